"""manage.py backup and restore (issue 13, finding 8): round trips, a tampered archive, --force, no keys inside;
and the pruning of finished task results."""

import io
import shutil
import subprocess
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from violeta.accounts.models import Role, User
from violeta.conftest import make_user
from violeta.core import backup, periodic
from violeta.core.tasks import prune_task_results

SECRET = "llave-secreta-de-prueba-" + "k" * 40
ENCRYPTION_KEY = "bGxhdmUtZGUtY2lmcmFkby1kZS1wcnVlYmEtMzItYnk="
TOKEN_KEY = "llave-de-fichas-de-prueba-0123456789"


@pytest.fixture
def storage(settings, tmp_path):
    """Storage folders of their own, with an upload in each, and a VAR_DIR for the archives."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    settings.CARD = {**settings.CARD, "PRIVATE_ROOT": tmp_path / "private" / "card"}
    files = {
        settings.MEDIA_ROOT / "fotos" / "taller.png": b"\x89PNG\r\n\x1a\nimagen",
        settings.DOCUMENTS_ROOT / "2026" / "acta.pdf": b"%PDF-1.4 acta de nacimiento",
        settings.CARD["PRIVATE_ROOT"] / "comprobante.pdf": b"%PDF-1.4 comprobante de domicilio",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def some_data():
    make_user("respaldo@imm.test", Role.LEGAL, "juridica", name="Rosa Respaldo")
    make_user("otra@imm.test", Role.RECEPTION, name="Otra Persona")


def archive_path(settings_or_tmp) -> Path:
    return Path(django_settings.VAR_DIR) / "respaldo.tar"


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def rewrite(path: Path, change) -> None:
    """Rewrite the archive with ``change(name, content) -> content`` applied to each member."""
    contents = members(path)
    with tarfile.open(path, "w") as tar:
        for name, content in contents.items():
            content = change(name, content)
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o600
            tar.addfile(info, io.BytesIO(content))


def storage_state(files) -> dict[Path, bytes | None]:
    return {path: path.read_bytes() if path.exists() else None for path in files}


sqlite_only = pytest.mark.skipif(django_settings.USING_POSTGRES, reason="the SQLite round trip")
postgres_only = pytest.mark.skipif(
    not django_settings.USING_POSTGRES, reason="runs on PostgreSQL (CI's PG pass)"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip(storage):
    some_data()
    before = backup.table_counts()
    out = archive_path(storage)
    stdout = io.StringIO()
    call_command("backup", output=out, stdout=stdout)
    assert "respaldo" in stdout.getvalue().lower()
    assert "VIOLETA_ENCRYPTION_KEYS" in stdout.getvalue()
    assert out.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    manifest = backup.read_and_verify(out, Path(django_settings.VAR_DIR) / "x")
    assert manifest["database"]["tables"] == before
    assert set(manifest["files"]) == {
        "database.sqlite3",
        "files/media/fotos/taller.png",
        "files/documents/2026/acta.pdf",
        "files/card/comprobante.pdf",
    }

    # Things change after the backup; the restore brings back the backup's state.
    User.objects.filter(email="respaldo@imm.test").delete()
    make_user("nueva@imm.test", Role.RECEPTION)
    for path in storage:
        path.unlink()
    stdout = io.StringIO()
    call_command("restore", out, force=True, stdout=stdout)
    assert backup.table_counts() == before
    assert User.objects.filter(email="respaldo@imm.test").exists()
    assert not User.objects.filter(email="nueva@imm.test").exists()
    assert storage_state(storage) == storage
    assert "accounts_user: 2 / 2" in stdout.getvalue() or "accounts_user" in stdout.getvalue()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_into_a_fresh_database(storage):
    some_data()
    before = backup.table_counts()
    out = archive_path(storage)
    call_command("backup", output=out, stdout=io.StringIO())
    manifest = backup.read_and_verify(out, Path(django_settings.VAR_DIR) / "x")
    assert manifest["database"]["tables"] == before
    assert manifest["database"]["file"] == "database.pgdump"

    scratch = connection.settings_dict["NAME"] + "_restore"
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS " + connection.ops.quote_name(scratch))
        cursor.execute("CREATE DATABASE " + connection.ops.quote_name(scratch))
    try:
        for path in storage:
            path.unlink()
        result = backup.restore(archive=out, settings_dict={"NAME": scratch})
        assert result.differences == []
        assert backup.table_counts({"NAME": scratch}) == before
        assert storage_state(storage) == storage
        # Refused the second time: the fresh database now holds rows.
        with pytest.raises(backup.BackupError, match="--force"):
            backup.restore(archive=out, settings_dict={"NAME": scratch})
        result = backup.restore(archive=out, settings_dict={"NAME": scratch}, force=True)
        assert backup.table_counts({"NAME": scratch}) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS " + connection.ops.quote_name(scratch) + " WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_tampered_archive_is_refused_and_nothing_changes(storage):
    some_data()
    out = archive_path(storage)
    call_command("backup", output=out, stdout=io.StringIO())
    rewrite(out, lambda name, content: content + b"!" if name == "files/documents/2026/acta.pdf" else content)
    User.objects.filter(email="respaldo@imm.test").delete()
    (next(iter(storage))).write_bytes(b"cambiado despues del respaldo")
    counts, files = backup.table_counts(), storage_state(storage)

    with pytest.raises(CommandError, match="no coincide con su manifiesto"):
        call_command("restore", out, force=True, stdout=io.StringIO())
    assert backup.table_counts() == counts
    assert storage_state(storage) == files
    assert not User.objects.filter(email="respaldo@imm.test").exists()


@pytest.mark.django_db(transaction=True)
def test_a_member_missing_from_the_manifest_is_refused(storage):
    some_data()
    out = archive_path(storage)
    call_command("backup", output=out, stdout=io.StringIO())
    with tarfile.open(out, "a") as tar:
        info = tarfile.TarInfo("files/media/extra.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(CommandError, match="no coincide con su manifiesto"):
        call_command("restore", out, force=True, stdout=io.StringIO())
    assert not (django_settings.MEDIA_ROOT / "extra.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_with_rows_is_not_overwritten_without_force(storage):
    some_data()
    out = archive_path(storage)
    call_command("backup", output=out, stdout=io.StringIO())
    User.objects.filter(email="respaldo@imm.test").delete()
    counts = backup.table_counts()

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", out, stdout=io.StringIO())
    assert backup.table_counts() == counts
    assert not User.objects.filter(email="respaldo@imm.test").exists()


@pytest.mark.django_db(transaction=True)
def test_the_keys_are_never_in_the_archive(storage, settings, tmp_path):
    settings.SECRET_KEY = SECRET
    settings.ENCRYPTION_KEYS = [ENCRYPTION_KEY]
    settings.TOKEN_KEY = TOKEN_KEY
    some_data()
    # The development keys settings.py writes into VAR_DIR, in a storage folder by mistake: left out.
    settings.MEDIA_ROOT = settings.VAR_DIR
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    (settings.VAR_DIR / "secret_key").write_text(SECRET)
    (settings.VAR_DIR / "encryption_key").write_text(ENCRYPTION_KEY)
    out = tmp_path / "respaldo.tar"
    call_command("backup", output=out, stdout=io.StringIO())

    data = out.read_bytes()
    texts = [data]
    if django_settings.USING_POSTGRES:
        # The custom format compresses the tables: read the dump back as SQL.
        dump = tmp_path / "database.pgdump"
        dump.write_bytes(members(out)["database.pgdump"])
        texts.append(
            subprocess.run(["pg_restore", "-f", "-", str(dump)], capture_output=True, check=True).stdout  # noqa: S603, S607
        )
    for text in texts:
        for key in (SECRET, ENCRYPTION_KEY, TOKEN_KEY):
            assert key.encode() not in text
    assert "files/media/secret_key" not in members(out)


@pytest.mark.django_db(transaction=True)
def test_a_file_holding_a_key_stops_the_backup(storage, settings, tmp_path):
    settings.ENCRYPTION_KEYS = [ENCRYPTION_KEY]
    (settings.MEDIA_ROOT / "llaves.txt").write_text(f"VIOLETA_ENCRYPTION_KEYS={ENCRYPTION_KEY}\n")
    out = tmp_path / "respaldo.tar"
    with pytest.raises(CommandError, match="llaves"):
        call_command("backup", output=out, stdout=io.StringIO())
    assert not out.exists()
    assert not list(tmp_path.glob("respaldo.tar*"))


@pytest.mark.django_db(transaction=True)
def test_an_existing_archive_is_not_overwritten(storage, tmp_path):
    out = tmp_path / "respaldo.tar"
    out.write_bytes(b"otro")
    with pytest.raises(CommandError, match="ya existe"):
        call_command("backup", output=out, stdout=io.StringIO())
    assert out.read_bytes() == b"otro"


@pytest.mark.django_db(transaction=True)
def test_the_default_archive_goes_under_var_backups(storage):
    call_command("backup", stdout=io.StringIO())
    made = list((Path(django_settings.VAR_DIR) / "backups").glob("violeta-*.tar"))
    assert len(made) == 1
    shutil.rmtree(made[0].parent)


# --- task results ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_prune_deletes_only_old_finished_results(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS_RESULT_RETENTION_DAYS = 7
    now = timezone.now()
    old, recent = now - timedelta(days=8), now - timedelta(days=2)

    def result(status, finished_at):
        return DBTaskResult.objects.create(
            status=status,
            task_path="violeta.core.tests.test_backup.nothing",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=(finished_at or now) - timedelta(minutes=1),
            started_at=finished_at,
            finished_at=finished_at,
        )

    old_ok, old_failed = result("SUCCESSFUL", old), result("FAILED", old)
    kept = [
        result("SUCCESSFUL", recent),
        result("FAILED", recent),
        result("READY", None),
        result("RUNNING", None),
    ]
    prune_task_results()
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert remaining == {r.id for r in kept}
    assert old_ok.id not in remaining and old_failed.id not in remaining


def test_prune_is_a_periodic_job_every_hour():
    job = periodic.JOBS["tasks_prune"]
    assert job.every_seconds == 3600
    assert job.func is prune_task_results
    assert job in periodic.jobs()
