"""The archive format: written whole or not at all, read back only when every member matches its
manifest; a foreign, damaged or truncated file is refused with one line saying why."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest

from aisc.web.backup import archive, figures
from aisc.web.backup.archive import BackupError, Member


def make(tmp_path: Path, documents: int = 3) -> tuple[Path, dict[str, Any]]:
    src = tmp_path / "src"
    src.mkdir()
    members = []
    for n in range(documents):
        path = src / f"doc{n}.bin"
        path.write_bytes(os.urandom(50_000))
        members.append(Member(f"files/k{n}/doc{n}.bin", path))
    manifest = {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "members": archive.describe(members),
    }
    out = tmp_path / "backup.tar"
    archive.write(out, manifest, members)
    return out, manifest


def test_a_written_archive_reads_back_member_for_member(tmp_path: Path) -> None:
    out, manifest = make(tmp_path)
    assert archive.read_manifest(out) == manifest
    into = tmp_path / "into"
    archive.extract_checked(out, manifest, into)
    for n in range(3):
        assert (into / f"files/k{n}/doc{n}.bin").read_bytes() == (
            tmp_path / f"src/doc{n}.bin"
        ).read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_archive_is_refused_whole(tmp_path: Path, keep: float) -> None:
    out, manifest = make(tmp_path)
    data = out.read_bytes()
    out.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BackupError, match=r"damaged or truncated|is truncated"):
        archive.extract_checked(out, manifest, tmp_path / "into")


def test_a_member_changed_after_the_manifest_was_written_is_refused(tmp_path: Path) -> None:
    out, manifest = make(tmp_path, documents=1)
    manifest["members"][0]["sha256"] = "0" * 64
    with pytest.raises(BackupError, match="differs from its manifest"):
        archive.extract_checked(out, manifest, tmp_path / "into")


def foreign_tar(path: Path, first: str, data: bytes) -> Path:
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo(first)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("not a tar", "not a readable tar archive"),
        ("tar of something else", "its first member is not manifest.json"),
        ("manifest of something else", "not of the format 'aisc-backup'"),
        ("manifest not json", "its manifest is not JSON"),
        ("a later format", "format version 99"),
        ("empty file", "not a readable tar archive"),
    ],
)
def test_a_foreign_file_is_refused_naming_why(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / "thing.tar"
    if content == "not a tar":
        path.write_bytes(b"PK\x03\x04 a zip, say" * 100)
    elif content == "empty file":
        path.write_bytes(b"")
    elif content == "tar of something else":
        foreign_tar(path, "etc/passwd", b"root:x:0:0")
    elif content == "manifest of something else":
        foreign_tar(path, "manifest.json", json.dumps({"format": "other"}).encode())
    elif content == "manifest not json":
        foreign_tar(path, "manifest.json", b"\xff\xfe{")
    else:
        foreign_tar(
            path,
            "manifest.json",
            json.dumps({"format": "aisc-backup", "format_version": 99}).encode(),
        )
    with pytest.raises(BackupError, match=why):
        archive.read_manifest(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="cannot read"):
        archive.read_manifest(tmp_path / "nothing.tar")


def test_members_that_reach_outside_or_are_not_listed_are_refused(tmp_path: Path) -> None:
    path = foreign_tar(tmp_path / "evil.tar", "manifest.json", b"{}")
    with tarfile.open(path, "a") as tar:
        info = tarfile.TarInfo("../../escape")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(BackupError, match="which its manifest lacks"):
        archive.extract_checked(path, {"members": []}, tmp_path / "into")
    listed = {"members": [{"name": "../../escape", "size": 1, "sha256": ""}]}
    with pytest.raises(BackupError, match="outside its folder"):
        archive.extract_checked(path, listed, tmp_path / "into")
    assert not (tmp_path.parent / "escape").exists()


def test_a_write_that_fails_part_way_leaves_no_file_under_the_name(tmp_path: Path) -> None:
    src = tmp_path / "doc.bin"
    src.write_bytes(b"x" * 1000)
    out = tmp_path / "backup.tar"
    manifest = {"format": archive.FORMAT, "format_version": 1, "members": []}
    src_gone = Member("files/a", tmp_path / "vanished.bin")
    with pytest.raises(FileNotFoundError):
        archive.write(out, manifest, [Member("files/doc", src), src_gone])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.bin"]


def test_differences_name_each_figure_that_moved() -> None:
    expected = {"ledger": {"accounts": {"fund": {"cents": -500}}}, "usage": {"records": 3}}
    found = {
        "ledger": {"accounts": {"fund": {"cents": -400}, "new": {"cents": 1}}},
        "usage": {"records": 3},
    }
    assert figures.differences(expected, expected) == []
    assert figures.differences(expected, found) == [
        "ledger.accounts.fund.cents: the manifest has -500, the restored database -400",
        "ledger.accounts.new: the manifest has None, the restored database {'cents': 1}",
    ]
