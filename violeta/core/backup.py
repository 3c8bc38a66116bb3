"""Backups of an installation: the database, the uploaded files and a manifest, in one .tar file.

The archive holds ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's
online backup), the files of every storage folder under ``files/<storage>/`` and ``manifest.json``: the SHA-256
of every other member and the row count of every table, counted in the same snapshot the dump was taken from.

The encryption keys, ``SECRET_KEY`` and ``VIOLETA_TOKEN_KEY`` are never in it: a stolen backup without its keys
cannot be read, and the keys are backed up separately (docs/deployment.md). As a second guard every file is
scanned for the configured key values while it is hashed, and the backup fails if one turns up.

A restore checks every checksum before it changes anything, refuses a database that already holds rows unless
forced, restores the database and the files, and compares the row counts with the manifest.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import dj_database_url
from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database.pgdump"
SQLITE_NAME = "database.sqlite3"
FILES_PREFIX = "files"
CHUNK = 1024 * 1024
# Environment variables libpq reads, from the connection's OPTIONS (the password goes in PGPASSWORD: never on a
# command line, where any local user could read it in the process list).
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the person running it (Spanish)."""


@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int]
    files: int
    size: int


@dataclass
class RestoreResult:
    tables: dict[str, int]
    expected: dict[str, int]
    files: int
    left_in_place: int = 0
    differences: list[str] = field(default_factory=list)


# --- what is backed up -----------------------------------------------------------------------------------------


def storages() -> dict[str, Path]:
    """The folders of uploaded files, by the name they have in the archive."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "documents": Path(settings.DOCUMENTS_ROOT),
        "card": Path(settings.CARD["PRIVATE_ROOT"]),
    }


def secret_values() -> list[bytes]:
    values = [settings.SECRET_KEY, getattr(settings, "TOKEN_KEY", ""), *settings.ENCRYPTION_KEYS]
    return [value.encode() for value in values if value]


def _key_files() -> set[Path]:
    """The development keys settings.py writes into VAR_DIR: never copied, even if a storage folder holds them."""
    var = Path(settings.VAR_DIR)
    return {(var / name).resolve() for name in ("secret_key", "encryption_key")}


def default_output() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"violeta-{stamp}.tar"


# --- database connections --------------------------------------------------------------------------------------


def owner_settings(settings_dict: dict) -> dict:
    """The connection's settings with the tables' owner's credentials when MIGRATION_DATABASE_URL is set (as
    ``manage.py migrate`` does): the application's role may not create tables, so a restore runs as the owner."""
    result = dict(settings_dict)
    owner_url = getattr(settings, "MIGRATION_DATABASE_URL", "")
    if owner_url and result["ENGINE"].startswith("django.db.backends.postgresql"):
        owner = dj_database_url.parse(owner_url)
        for key in ("USER", "PASSWORD", "HOST", "PORT"):
            result[key] = owner[key]
    return result


def pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    for option, var in PG_OPTION_ENV.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[var] = str(value)
    return env


@contextlib.contextmanager
def raw_connection(settings_dict: dict, using: str = "default"):
    """A DB-API connection of its own (outside Django's connection handling) to ``settings_dict``: another
    database, or the same one apart from the requests' connection."""
    base = connections[using]
    merged = {**base.settings_dict, **settings_dict}
    if base.vendor == "postgresql":
        params = base.__class__(merged, alias=using).get_connection_params()
        db = base.Database.connect(**params)
    else:
        db = sqlite3.connect(merged["NAME"])
    try:
        yield db
    finally:
        db.close()


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        # Table names come from the catalogue, quoted; nothing here comes from a person.
        cursor.execute('SELECT count(*) FROM "%s"' % table.replace('"', '""'))  # noqa: S608, UP031
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts(settings_dict: dict | None = None, using: str = "default") -> dict[str, int]:
    """Rows of every table of the database (the configured one, or ``settings_dict``'s)."""
    if settings_dict is None:
        conn = connections[using]
        with conn.cursor() as cursor:
            return _counts(cursor, conn.vendor)
    with raw_connection(settings_dict, using) as db:
        return _counts(db.cursor(), connections[using].vendor)


def _applied_migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client programs of the server's version.")
            % {"program": command[0]}
        ) from exc
    if done.returncode != 0:
        # libpq's messages name the host, database and role, never the password.
        raise BackupError(
            _("%(what)s failed (exit status %(code)s): %(error)s")
            % {"what": what, "code": done.returncode, "error": done.stderr.strip()[-2000:]}
        )


def _dump_postgresql(conn, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump in the snapshot the rows were counted in, so the counts are exactly the dump's."""
    settings_dict = owner_settings(conn.settings_dict)
    with raw_connection(settings_dict) as db:
        cursor = db.cursor()  # psycopg opens a transaction on the first statement
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts(cursor, "postgresql")
        migrations = _applied_migrations(cursor)
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            pg_env(settings_dict),
            "pg_dump",
        )
        db.rollback()
    return counts, migrations


def _dump_sqlite(conn, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """SQLite's online backup API: a consistent copy while the web server and the worker keep writing."""
    conn.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        conn.connection.backup(copy)
    finally:
        copy.close()
    db = sqlite3.connect(target)
    try:
        cursor = db.cursor()
        return _counts(cursor, "sqlite"), _applied_migrations(cursor)
    finally:
        db.close()


# --- hashing and the key guard ---------------------------------------------------------------------------------


class _Scanner:
    """SHA-256 of a stream, and whether any configured key appears in it (across chunk boundaries too)."""

    def __init__(self, secrets: list[bytes]):
        self.sha = hashlib.sha256()
        self.secrets = secrets
        self.overlap = max((len(s) for s in secrets), default=1) - 1
        self.tail = b""
        self.found = False

    def update(self, chunk: bytes) -> None:
        self.sha.update(chunk)
        if self.secrets and not self.found:
            window = self.tail + chunk
            self.found = any(secret in window for secret in self.secrets)
            self.tail = window[-self.overlap :] if self.overlap else b""


class _Reader:
    def __init__(self, fileobj, scanner: _Scanner):
        self.fileobj, self.scanner = fileobj, scanner

    def read(self, size=-1):
        chunk = self.fileobj.read(size)
        self.scanner.update(chunk)
        return chunk


def _add(archive: tarfile.TarFile, source: Path, name: str, secrets: list[bytes]) -> str:
    info = archive.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    scanner = _Scanner(secrets)
    with source.open("rb") as handle:
        archive.addfile(info, _Reader(handle, scanner))
    if scanner.found:
        raise BackupError(
            _(
                "A file to back up (%(name)s) contains one of the installation's keys; the backup was not "
                "written. Keys are never backed up with the data: move that file out of the storage folder."
            )
            % {"name": name.split("/", 2)[1] if name.startswith(FILES_PREFIX + "/") else name}
        )
    return scanner.sha.hexdigest()


def _storage_files(root: Path):
    if not root.is_dir():
        return
    skip = _key_files()
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
            yield path, path.relative_to(root).as_posix()


# --- backup ----------------------------------------------------------------------------------------------------


def backup(*, output: Path | None = None, using: str = "default") -> BackupResult:
    """Write one archive; it appears under its name only when complete (a .partial file until then)."""
    output = Path(output) if output else default_output()
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if output.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": output})
    conn = connections[using]
    secrets = secret_values()
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".violeta-backup-") as work:
        if conn.vendor == "postgresql":
            db_name = PG_DUMP_NAME
            tables, migrations = _dump_postgresql(conn, Path(work) / db_name)
        elif conn.vendor == "sqlite":
            db_name = SQLITE_NAME
            tables, migrations = _dump_sqlite(conn, Path(work) / db_name)
        else:
            raise BackupError(_("Backups support PostgreSQL and SQLite only."))
        checksums: dict[str, str] = {}
        storage_roots = storages()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    checksums[db_name] = _add(tar, Path(work) / db_name, db_name, secrets)
                    for key, root in storage_roots.items():
                        for path, relative in _storage_files(root):
                            name = f"{FILES_PREFIX}/{key}/{relative}"
                            checksums[name] = _add(tar, path, name, secrets)
                    manifest = {
                        "format": FORMAT,
                        "created_at": timezone.now().isoformat(),
                        "database": {"vendor": conn.vendor, "file": db_name, "tables": tables},
                        "migrations": migrations,
                        "storages": sorted(storage_roots),
                        "files": checksums,
                    }
                    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=output, tables=tables, files=len(checksums) - 1, size=output.stat().st_size)


# --- restore ---------------------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_and_verify(archive: Path, into: Path) -> dict:
    """Extract ``archive`` into ``into`` (a private temporary folder) and check every member against the
    manifest. Raises BackupError, in Spanish, on any difference: nothing outside ``into`` is touched."""
    if not archive.is_file():
        raise BackupError(_("There is no backup at %(path)s.") % {"path": archive})
    found: dict[str, str] = {}
    manifest = None
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(
                        _("The backup holds an unexpected entry (%(name)s); it was not restored.")
                        % {"name": member.name}
                    )
                handle = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(handle.read().decode())
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                sha = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := handle.read(CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                target.chmod(member.mode & 0o777 or 0o600)
                found[member.name] = sha.hexdigest()
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise BackupError(
            _("The backup cannot be read (%(error)s); it was not restored.") % {"error": exc}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("The backup has no manifest this version can read; it was not restored."))
    known = set(storages())
    if not set(manifest.get("storages", [])) <= known or any(
        name.startswith(FILES_PREFIX + "/") and name.split("/")[1] not in known for name in manifest["files"]
    ):
        raise BackupError(
            _("The backup names a storage folder this version does not know; it was not restored.")
        )
    expected = manifest["files"]
    bad = sorted(name for name in set(expected) | set(found) if expected.get(name) != found.get(name))
    if bad:
        raise BackupError(
            _(
                "The backup does not match its manifest: %(n)d file(s) missing, added or altered (the first: "
                "%(first)s). Nothing was changed. Use another copy of the backup."
            )
            % {"n": len(bad), "first": bad[0]}
        )
    return manifest


def _storage_conflicts(manifest: dict) -> tuple[int, int]:
    """(files the restore would overwrite with other content, files present that the backup lacks)."""
    roots = storages()
    wanted = {name for name in manifest["files"] if name.startswith(FILES_PREFIX + "/")}
    overwritten = extra = 0
    for key in manifest["storages"]:
        for path, relative in _storage_files(roots[key]):
            name = f"{FILES_PREFIX}/{key}/{relative}"
            if name not in wanted:
                extra += 1
            elif _sha256(path) != manifest["files"][name]:
                overwritten += 1
    return overwritten, extra


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _restore_postgresql(settings_dict: dict, dump: Path) -> None:
    own = owner_settings(settings_dict)
    connections_to_close(settings_dict)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={own['NAME']}",
            str(dump),
        ],
        pg_env(own),
        "pg_restore",
    )


def connections_to_close(settings_dict: dict) -> None:
    for conn in connections.all(initialized_only=True):
        if conn.settings_dict.get("NAME") == settings_dict.get("NAME"):
            conn.close()


def _restore_sqlite(db, copy: Path) -> None:
    source = sqlite3.connect(copy)
    try:
        source.backup(db)
    finally:
        source.close()


def restore(
    *, archive: Path, force: bool = False, using: str = "default", settings_dict: dict | None = None
) -> RestoreResult:
    """Restore ``archive`` into the configured database (or ``settings_dict``'s) and the storage folders."""
    archive = Path(archive)
    base = connections[using]
    target = {**base.settings_dict, **(settings_dict or {})}
    vendor = base.vendor
    # Counted as the owner on PostgreSQL: the application's role may not have its rights yet after a restore.
    counted = owner_settings(target) if vendor == "postgresql" else (target if settings_dict else None)
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var, prefix=".violeta-restore-") as work:
        extracted = Path(work)
        manifest = read_and_verify(archive, extracted)
        database = manifest["database"]
        if database["vendor"] != vendor:
            raise BackupError(
                _(
                    "This backup is of a %(theirs)s database and this installation uses %(ours)s; nothing was changed."
                )
                % {"theirs": database["vendor"], "ours": vendor}
            )
        try:
            current = table_counts(counted, using)
        except (DatabaseError, base.Database.Error) as exc:
            raise BackupError(
                _("Cannot read the database to restore into (%(error)s); nothing was changed.")
                % {"error": str(exc).strip()}
            ) from exc
        rows = sum(current.values())
        overwritten, extra = _storage_conflicts(manifest)
        if not force and (rows or overwritten):
            raise BackupError(
                _(
                    "The database already holds %(rows)d rows in %(tables)d tables and %(files)d stored "
                    "file(s) would be replaced. Nothing was changed. To replace them with the backup, run "
                    "the restore again with --force."
                )
                % {"rows": rows, "tables": len([t for t in current.values() if t]), "files": overwritten}
            )
        dump = extracted / database["file"]
        if vendor == "postgresql":
            _restore_postgresql(target, dump)
        elif settings_dict is None:
            base.ensure_connection()
            _restore_sqlite(base.connection, dump)
        else:
            with raw_connection(target, using) as db:
                _restore_sqlite(db, dump)
        files = _put_files(manifest, extracted)
        restored = table_counts(counted, using)
    expected = database["tables"]
    differences = [
        table
        for table in sorted(set(expected) | set(restored))
        if table in expected and restored.get(table) != expected[table]
    ]
    return RestoreResult(
        tables=restored, expected=expected, files=files, left_in_place=extra, differences=differences
    )


def _put_files(manifest: dict, extracted: Path) -> int:
    roots = storages()
    count = 0
    for name in sorted(manifest["files"]):
        if not name.startswith(FILES_PREFIX + "/"):
            continue
        _, key, relative = name.split("/", 2)
        destination = roots[key] / relative
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staged = destination.with_name(f".{destination.name}.restoring")
        shutil.copy2(extracted / name, staged)
        os.replace(staged, destination)
        count += 1
    return count
