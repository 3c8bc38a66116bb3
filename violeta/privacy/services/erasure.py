"""Erasure: deleting her record, or a case, and every row (and file) that points at them.

``person_erase`` is one transaction, with its audit record. ``erase_rows`` opens none of its own and must run
inside its caller's: it deletes each model in a savepoint, so that a deletion another row still protects is
rolled back and retried after the rows that protect it. The files go only once the caller's transaction commits
(a rollback cannot bring a deleted file back).
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.people.models import Person
from violeta.privacy import export


def _files_of(rows: dict[str, list]) -> list:
    """Callables that delete the files of the rows about to be deleted (run once the deletion commits)."""
    from violeta.card.models import ApplicationDocument
    from violeta.card.uploads import path_of
    from violeta.documents.models import Document

    doomed = []
    for doc in Document.objects.filter(pk__in=rows.get("documents.document", [])):
        if doc.file:
            doomed.append(lambda name=doc.file.name, storage=doc.file.storage: storage.delete(name))
    for doc in ApplicationDocument.objects.filter(pk__in=rows.get("card.applicationdocument", [])):
        path = path_of(doc.stored_name)
        doomed.append(lambda path=path: path.unlink(missing_ok=True))
    return doomed


def erase_rows(roots: dict[str, set]) -> dict[str, int]:
    """Delete the rows of these roots and every row that points at them (and their files). Returns counts.

    Deletes the deepest rows first; a row another one still protects is retried after it, so the order of
    foreign keys between apps does not have to be known here. Must run inside a transaction.
    """
    querysets = export.rows_for(roots)
    ids = {
        label: list(qs.values_list("pk", flat=True))
        for label, qs in querysets.items()
        if label not in export.KEEP_ON_ERASE
    }
    ids = {label: pks for label, pks in ids.items() if pks}
    files = _files_of(ids)
    order = [label for label in export.erase_order(querysets) if label in ids]
    order = [label for label in order if label not in export.ROOT_LABELS] + [
        label for label in ("card.cardapplication", "cases.case", "people.person") if label in ids
    ]
    counts, pending = {}, list(order)
    from django.apps import apps

    for _attempt in range(len(order) + 1):
        failed = []
        for label in pending:
            model = apps.get_model(label)
            try:
                with transaction.atomic():
                    model.objects.filter(pk__in=ids[label]).delete()
                counts[label] = len(ids[label])
            except (ProtectedError, RestrictedError, IntegrityError):
                failed.append(label)
        if not failed:
            break
        if len(failed) == len(pending):
            raise RuntimeError(f"cannot erase, rows still protected: {failed}")
        pending = failed
    for delete in files:
        transaction.on_commit(delete)
    return counts


@transaction.atomic
def person_erase(*, person: Person, by=None, detail: str) -> dict[str, int]:
    """Delete her record and everything that points at her or at her cases (her ARCO requests stay)."""
    pk = person.pk
    counts = erase_rows(export.her_roots(person))
    audit_record(
        actor=by,
        action=Action.DELETE,
        object_type="people.person",
        object_id=pk,
        detail=f"{detail}: {sum(counts.values())} registros",
        actor_label="" if by else "retención",
    )
    return counts
