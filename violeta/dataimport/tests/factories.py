def matrix_kwargs(world) -> dict:
    """For the authorization matrix: an import in preview, uploaded by the coordinator persona (so she and the
    director reach it; everyone else gets 404). It has no file: pages that would read it send her back."""
    from violeta.accounts.models import User
    from violeta.dataimport.models import ImportJob, JobStatus

    coordinator = User.objects.get(email="coordinacion.juridica@imm.test")
    job = ImportJob.objects.create(
        created_by=coordinator,
        original_name="registros.xlsx",
        kind="xlsx",
        sha256="0" * 64,
        status=JobStatus.PREVIEW,
    )
    return {"pk": job.pk}
