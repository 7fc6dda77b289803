"""The backup archive: a tar whose first member is manifest.json, then the database dump, then
the documents under files/. The manifest holds a SHA-256 and size of every other member, so a
restore reads the whole archive and checks it before it touches the target: a truncated archive,
a changed member or a foreign file is refused whole.

Written to a hidden file beside the destination and renamed onto it only once complete and
flushed to disk: a full disk or a crash leaves no file under the destination's name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "aisc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """Why a backup or restore cannot go on, in one line."""


@dataclass(frozen=True)
class Member:
    name: str  # its name in the archive
    source: Path  # the file on disk it is read from (backup) or was written to (restore)


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def describe(members: list[Member]) -> list[dict[str, Any]]:
    out = []
    for member in members:
        digest, size = sha256_of(member.source)
        out.append({"name": member.name, "size": size, "sha256": digest})
    return out


def write(out: Path, manifest: dict[str, Any], members: list[Member]) -> None:
    """The archive at `out`, whole or not at all."""
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        with partial.open("wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(data), 0o600
                tar.addfile(info, io.BytesIO(data))
                for member in members:
                    info = tar.gettarinfo(str(member.source), arcname=member.name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with member.source.open("rb") as f:
                        tar.addfile(info, f)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(out)
        _fsync_dir(out.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest, or BackupError when the file is not an aisc backup."""
    foreign = f"{path} is not an aisc backup"
    try:
        with tarfile.open(path, mode="r:") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{foreign} (its first member is not {MANIFEST})")
            stream = tar.extractfile(first)
            assert stream is not None
            manifest: dict[str, Any] = json.loads(stream.read())
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{foreign} (not a readable tar archive: {exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{foreign} (its manifest is not JSON)") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{foreign} (its manifest is not of the format {FORMAT!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is an aisc backup of format version {manifest.get('format_version')!r}; "
            f"this aisc reads version {FORMAT_VERSION}"
        )
    return manifest


def _safe(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the archive names a member outside its folder: {name!r}")
    return path


def extract_checked(path: Path, manifest: dict[str, Any], into: Path) -> None:
    """Extract every member into `into`, checking each against the manifest; BackupError on a
    truncated archive, a member that differs, one missing or one the manifest does not list."""
    expected = {m["name"]: m for m in manifest.get("members", [])}
    seen: set[str] = set()
    try:
        with tarfile.open(path, mode="r:") as tar:
            for info in _members(tar):
                if info.name == MANIFEST:
                    continue
                listed = expected.get(info.name)
                if listed is None or not info.isfile():
                    raise BackupError(f"the archive holds {info.name!r}, which its manifest lacks")
                target = into / _safe(info.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                stream = tar.extractfile(info)
                assert stream is not None
                with target.open("wb") as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if (digest.hexdigest(), size) != (listed["sha256"], listed["size"]):
                    raise BackupError(
                        f"{info.name} in the archive differs from its manifest (damaged archive)"
                    )
                seen.add(info.name)
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{path} is damaged or truncated ({exc})") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is truncated: {len(missing)} members missing, e.g. {missing[0]}")


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while (info := tar.next()) is not None:
        yield info


@contextlib.contextmanager
def staged(folder: Path, prefix: str) -> Iterator[Path]:
    """A scratch folder inside `folder` (same file system, so results can be renamed into
    place), removed afterwards whatever happens."""
    import shutil
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
