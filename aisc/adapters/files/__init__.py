"""Document storage: a `FileStore` Protocol, a local-directory store and an in-memory fake.

Size and content-type limits belong to the caller (each upload form knows its own); the store only
guarantees that a key can never reach outside its root.
"""

from __future__ import annotations

from aisc.adapters.files.base import FileStore, check_key, check_name, new_key
from aisc.adapters.files.local import LocalFileStore
from aisc.adapters.files.memory import MemoryFileStore

__all__ = [
    "FileStore",
    "LocalFileStore",
    "MemoryFileStore",
    "check_key",
    "check_name",
    "default_store",
    "new_key",
]


def default_store() -> FileStore:
    """The store under AISC_FILES_DIR (settings.AISC_FILES_DIR), built per call: it is cheap and
    tests that override the setting see the new directory at once."""
    from django.conf import settings

    return LocalFileStore(settings.AISC_FILES_DIR)
