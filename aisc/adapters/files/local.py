"""Files in a local directory (AISC_FILES_DIR): one sub-directory per key, with its content type."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from aisc.adapters.files.base import CHUNK, check_key, missing, new_key

META_SUFFIX = ".content-type"


class LocalFileStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # check_key already refuses "..", so this only trips on a symlink planted inside the root.
        if not path.is_relative_to(self.root):
            raise missing(key)
        return path

    def save(self, name: str, stream: BinaryIO, content_type: str) -> str:
        key = new_key(name)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        path.with_name(path.name + META_SUFFIX).write_text(content_type)
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise missing(key) from None

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            raise missing(key) from None
        path.with_name(path.name + META_SUFFIX).unlink(missing_ok=True)
        # Each key has a directory of its own; leave no empty ones behind.
        if not any(path.parent.iterdir()):
            path.parent.rmdir()

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise missing(key) from None

    def content_type(self, key: str) -> str:
        path = self._path(key)
        try:
            return path.with_name(path.name + META_SUFFIX).read_text()
        except FileNotFoundError:
            raise missing(key) from None
