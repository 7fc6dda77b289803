"""The documents `aisc restore` moves into place are for the aisc user and its group only,
whatever the umask of the shell that runs it (runuser keeps the caller's 022; the booted
deployment rehearsal found restored documents readable by everyone)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from aisc.web.backup import service


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_restored_documents_and_their_folders_are_closed_to_others(
    tmp_path: Path, open_umask: None
) -> None:
    staged = tmp_path / "staging/files"
    (staged / "ab/cd").mkdir(parents=True)
    (staged / "ab/cd/application.pdf").write_bytes(b"%PDF")
    (staged / "report.pdf").write_bytes(b"%PDF")
    target = tmp_path / "data/files"
    target.mkdir(parents=True)  # empty, as restore requires; 0755 under this umask

    service._move_documents(staged, target)

    modes = {
        str(path.relative_to(target)): stat.S_IMODE(path.stat().st_mode)
        for path in [target, *target.rglob("*")]
    }
    assert modes == {
        ".": 0o750,
        "ab": 0o750,
        "ab/cd": 0o750,
        "ab/cd/application.pdf": 0o640,
        "report.pdf": 0o640,
    }
