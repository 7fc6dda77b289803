"""`aisc restore` refuses, in one line and before it touches anything, an archive that is foreign,
truncated, damaged, of another database kind, sealed under another audit key or from a newer
aisc, and a target that is not empty. (Whole backups and restores: tests/integration.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.backup import archive, service
from aisc.web.backup.archive import Member

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def files_dir(tmp_path: Path, settings: Any) -> Path:
    settings.AISC_FILES_DIR = tmp_path / "files"
    return tmp_path / "files"


def made(tmp_path: Path, **changes: Any) -> Path:
    """An archive whose manifest passes every check but those `changes` break."""
    dump = tmp_path / "database.bin"
    dump.write_bytes(b"d" * 200_000)
    doc = tmp_path / "doc.pdf"
    doc.write_bytes(b"%PDF" * 1000)
    members = [Member("database.bin", dump), Member("files/k/doc.pdf", doc)]
    manifest = {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "aisc_version": "0.1.0",
        "created_at": "2026-12-05T00:00:00+00:00",
        "database": {"engine": connection.vendor, "member": "database.bin"},
        "audit_key_check": service._key_check(),
        "figures": {"migrations": ["outbox.0001_initial"]},
        "members": archive.describe(members),
        **changes,
    }
    out = tmp_path / "backup.tar"
    archive.write(out, manifest, members)
    return out


def restore(path: Path) -> tuple[int, str]:
    tables = sorted(connection.introspection.table_names())
    result = runner.invoke(app, ["restore", str(path)])
    assert sorted(connection.introspection.table_names()) == tables, "the target was touched"
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip()


def test_a_foreign_file_is_refused(tmp_path: Path, files_dir: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 5000)
    code, output = restore(path)
    assert code == 1
    assert output.startswith(f"aisc: restore: {path} is not an aisc backup")
    assert not files_dir.exists()


def test_a_truncated_archive_is_refused_before_anything_is_restored(
    tmp_path: Path, files_dir: Path
) -> None:
    path = made(tmp_path)
    path.write_bytes(path.read_bytes()[:150_000])
    code, output = restore(path)
    assert code == 1
    assert "is damaged or truncated" in output or "is truncated" in output
    assert not files_dir.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".aisc-restore")] == []


def test_an_archive_of_the_other_database_kind_is_refused(tmp_path: Path, files_dir: Path) -> None:
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    code, output = restore(made(tmp_path, database={"engine": other, "member": "database.bin"}))
    assert code == 1
    assert f"the backup holds a {other} database" in output


def test_an_archive_sealed_under_another_audit_key_is_refused(
    tmp_path: Path, files_dir: Path
) -> None:
    code, output = restore(made(tmp_path, audit_key_check="0" * 64))
    assert code == 1
    assert "AISC_AUDIT_ANCHOR_KEY differs from the backed-up installation's" in output


def test_an_archive_from_a_newer_aisc_is_refused(tmp_path: Path, files_dir: Path) -> None:
    code, output = restore(made(tmp_path, figures={"migrations": ["outbox.9999_future"]}))
    assert code == 1
    assert "lacks 1 of its migrations, e.g. outbox.9999_future; upgrade aisc first" in output


def test_a_target_database_that_is_not_empty_is_refused(tmp_path: Path, files_dir: Path) -> None:
    code, output = restore(made(tmp_path))
    assert code == 1
    assert "the target database is not empty" in output
    assert not files_dir.exists()


def test_a_files_directory_that_is_not_empty_is_refused(
    tmp_path: Path, files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (files_dir / "k").mkdir(parents=True)
    (files_dir / "k" / "old.pdf").write_bytes(b"old")
    # The database check passes here only so that the files check is the one that speaks.
    monkeypatch.setattr(service, "_tables", lambda: [])
    code, output = restore(made(tmp_path))
    assert code == 1
    assert f"the files directory {files_dir} is not empty (1 files)" in output
    assert (files_dir / "k" / "old.pdf").read_bytes() == b"old"


def test_a_backup_to_a_folder_that_does_not_exist_fails_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backup", "--out", str(tmp_path / "no" / "such.tar")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"aisc: backup: --out: the folder {tmp_path / 'no'} does not exist"
    )
