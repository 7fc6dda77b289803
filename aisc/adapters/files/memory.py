"""An in-memory FileStore for tests; it applies the same key rules as the real one."""

from __future__ import annotations

import io
from typing import BinaryIO

from aisc.adapters.files.base import check_key, missing, new_key


class MemoryFileStore:
    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}

    def _get(self, key: str) -> tuple[bytes, str]:
        try:
            return self.files[check_key(key)]
        except KeyError:
            raise missing(key) from None

    def save(self, name: str, stream: BinaryIO, content_type: str) -> str:
        key = new_key(name)
        self.files[key] = (stream.read(), content_type)
        return key

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._get(key)[0])

    def delete(self, key: str) -> None:
        self._get(key)
        del self.files[key]

    def size(self, key: str) -> int:
        return len(self._get(key)[0])

    def content_type(self, key: str) -> str:
        return self._get(key)[1]
