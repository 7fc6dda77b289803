"""Take a backup of this installation, or restore one into an empty installation.

The database and the figures of the manifest come from one snapshot: on PostgreSQL a REPEATABLE
READ transaction exports its snapshot, the figures are read in it and pg_dump dumps exactly it;
on SQLite the online backup API copies one committed state and the figures are read from the copy.
So a backup taken while the worker delivers and an ingest writes holds whole transactions only,
and its figures are those of what it holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

import aisc
from aisc.adapters.dbdump import DumpError, for_database
from aisc.config import DatabaseConfig
from aisc.web.backup import archive, figures
from aisc.web.backup.archive import BackupError, Member

KEY_CHECK = b"aisc-backup: the audit anchor key"


def _key_check() -> str:
    key: str = settings.AISC_AUDIT_ANCHOR_KEY
    return hmac.new(key.encode(), KEY_CHECK, hashlib.sha256).hexdigest()


def _database() -> DatabaseConfig:
    config: DatabaseConfig = settings.CONFIG.database
    return config


def _files_dir() -> Path:
    return Path(settings.AISC_FILES_DIR)


def _documents(root: Path) -> list[Member]:
    if not root.is_dir():
        return []
    return [
        Member(f"files/{path.relative_to(root).as_posix()}", path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def _dump(path: Path) -> dict[str, Any]:
    """Dump the database to `path`; the figures of exactly what was dumped."""
    dumper = for_database(_database())
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            taken = figures.take(cursor)
            dumper.dump(path, snapshot=snapshot)
        return taken
    dumper.dump(path)
    copy = sqlite3.connect(path)
    try:
        return figures.take(copy.cursor())
    finally:
        copy.close()


def backup(out: Path) -> dict[str, Any]:
    """Write the archive to `out`; returns its manifest."""
    out = out.resolve()
    if not out.parent.is_dir():
        raise BackupError(f"--out: the folder {out.parent} does not exist")
    if out.is_dir():
        raise BackupError(f"--out: {out} is a folder; name the archive file")
    suffix = for_database(_database()).suffix
    try:
        with archive.staged(out.parent, f".{out.name}.") as staging:
            dump = staging / f"database.{suffix}"
            taken = _dump(dump)
            members = [Member(dump.name, dump), *_documents(_files_dir())]
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "aisc_version": aisc.__version__,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": {"engine": connection.vendor, "member": dump.name},
                "audit_key_check": _key_check(),
                "figures": taken,
                "members": archive.describe(members),
            }
            archive.write(out, manifest, members)
    except DumpError as exc:
        raise BackupError(str(exc)) from exc
    except OSError as exc:
        raise BackupError(f"cannot write the backup {out}: {exc.strerror or exc}") from exc
    return manifest


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _refuse_unless_restorable(manifest: dict[str, Any]) -> None:
    engine = manifest.get("database", {}).get("engine")
    if engine != connection.vendor:
        raise BackupError(
            f"the backup holds a {engine} database; AISC_DATABASE_URL names a "
            f"{connection.vendor} one (restore into the same kind)"
        )
    if manifest.get("audit_key_check") != _key_check():
        raise BackupError(
            "AISC_AUDIT_ANCHOR_KEY differs from the backed-up installation's: the audit rows' "
            "seals would not hold; set the same key (or _FILE) before restoring"
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = [m for m in manifest.get("figures", {}).get("migrations", []) if m not in known]
    if unknown:
        raise BackupError(
            f"the backup comes from a newer aisc ({manifest.get('aisc_version')}): this one lacks "
            f"{len(unknown)} of its migrations, e.g. {unknown[0]}; upgrade aisc first"
        )


def _refuse_unless_empty() -> None:
    tables = _tables()
    if tables:
        raise BackupError(
            f"the target database is not empty ({len(tables)} tables, e.g. {tables[0]}); "
            "restore into a new, empty database"
        )
    documents = _documents(_files_dir())
    if documents:
        raise BackupError(
            f"the files directory {_files_dir()} is not empty ({len(documents)} files); "
            "restore into an empty one (AISC_FILES_DIR)"
        )


def _staging_folder() -> Path:
    db = _database()
    return Path(db.name).resolve().parent if db.engine == "sqlite" else _files_dir().parent


def restore(path: Path) -> dict[str, Any]:
    """Restore the archive into this (empty) installation, then prove it: the audit chain holds
    and every figure of the manifest is found again. Returns a report."""
    from aisc.web.audit.anchor import first_problem

    manifest = archive.read_manifest(path)
    _refuse_unless_restorable(manifest)
    try:
        with archive.staged(_staging_folder(), ".aisc-restore-") as staging:
            archive.extract_checked(path, manifest, staging)
            _refuse_unless_empty()
            # Nothing of the target was touched before this line.
            dump = staging / manifest["database"]["member"]
            connection.close()
            for_database(_database()).restore(dump)
            if (staging / "files").is_dir():
                _move_documents(staging / "files", _files_dir())
    except DumpError as exc:
        raise BackupError(f"{exc} (the target may hold part of the restore: empty it)") from exc
    except OSError as exc:
        raise BackupError(f"cannot restore: {exc.strerror or exc}") from exc
    connection.close()
    broken = first_problem()
    if broken is not None:
        raise BackupError(f"restored, but the audit chain is broken at row {broken.row_id}: "
                          f"{broken.reason}")  # fmt: skip
    with connection.cursor() as cursor:
        found = figures.take(cursor)
    different = figures.differences(manifest["figures"], found)
    if different:
        raise BackupError(
            f"restored, but {len(different)} figures differ from the manifest: "
            + "; ".join(different[:5])
        )
    return {
        "restored_from": str(path),
        "aisc_version": manifest["aisc_version"],
        "created_at": manifest["created_at"],
        "database": manifest["database"]["engine"],
        "documents": sum(1 for m in manifest["members"] if m["name"].startswith("files/")),
        "audit_rows": found["audit"]["rows"],
        "ledger_entries": found["ledger"]["entries"],
        "usage_records": found["usage"]["records"],
        "verified": True,
    }


# The documents are applicants' papers: for the aisc user and its group only, whatever the umask
# of the shell that runs `aisc restore` (runuser keeps the caller's, often 022; the units write
# with UMask=0027). The booted deployment rehearsal found them readable by everyone.
DOCUMENT_MODE, FOLDER_MODE = 0o640, 0o750


def _move_documents(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
    # The target was empty (refused otherwise): all below it is the restore's.
    for path in [target, *target.rglob("*")]:
        path.chmod(FOLDER_MODE if path.is_dir() else DOCUMENT_MODE)
