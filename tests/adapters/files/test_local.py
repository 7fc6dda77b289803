"""What only the local directory store can get wrong: the disk."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from aisc.adapters.files import LocalFileStore, default_store
from aisc.core.errors import NotFound


class Exploding(io.RawIOBase):
    def readinto(self, buffer: object) -> int:
        raise OSError("disk unplugged")


def test_files_land_under_the_root_and_deleting_leaves_no_empty_directory(
    tmp_path: Path,
) -> None:
    store = LocalFileStore(tmp_path)
    key = store.save("a.txt", io.BytesIO(b"hello"), "text/plain")
    assert (tmp_path / key).read_bytes() == b"hello"
    store.delete(key)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_upload_leaves_no_partial_file(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    with pytest.raises(OSError, match="disk unplugged"):
        store.save("a.txt", Exploding(), "text/plain")  # type: ignore[arg-type]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_symlink_planted_inside_the_root_does_not_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    root = tmp_path / "root"
    root.mkdir()
    (root / ("a" * 32)).symlink_to(outside)
    store = LocalFileStore(root)
    with pytest.raises(NotFound):
        store.open("a" * 32 + "/secret.txt")


def test_the_default_store_lives_in_the_configured_files_dir(settings: Any, tmp_path: Path) -> None:
    settings.AISC_FILES_DIR = tmp_path / "configured"
    store = default_store()
    key = store.save("a.txt", io.BytesIO(b"x"), "text/plain")
    assert (tmp_path / "configured" / key).exists()
