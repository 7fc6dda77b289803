"""The FileStore Protocol and the key rules every store shares."""

from __future__ import annotations

import re
import uuid
from typing import BinaryIO, Protocol

from aisc.core.errors import NotFound, RuleViolation

# A key is "<32 hex>/<name>": the random part makes it unguessable and unique, the name keeps
# downloads readable. Anything else (.., absolute paths, separators) is refused before any I/O.
KEY = re.compile(r"^[0-9a-f]{32}/[^/\\\x00]{1,200}$")
FORBIDDEN_NAME_CHARS = re.compile(r"[/\\\x00-\x1f\x7f]")
CHUNK = 1 << 16


class FileStore(Protocol):
    def save(self, name: str, stream: BinaryIO, content_type: str) -> str:
        """Store the stream's bytes under a new key and return the key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the stored bytes; the caller closes it."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file; deleting a missing key raises NotFound."""
        ...

    def size(self, key: str) -> int:
        """Stored size in bytes."""
        ...

    def content_type(self, key: str) -> str:
        """The content type given when the file was saved."""
        ...


def check_name(name: str) -> str:
    """The original file name, refused when it could act as a path."""
    if not name or name in {".", ".."} or len(name) > 200:
        raise RuleViolation("must be a file name of 1 to 200 characters", field="name")
    if FORBIDDEN_NAME_CHARS.search(name):
        raise RuleViolation("must not contain path separators or control characters", field="name")
    return name


def check_key(key: str) -> str:
    if not KEY.match(key) or key.endswith(("/.", "/..")):
        raise RuleViolation("is not a key this store issued", field="key")
    return key


def new_key(name: str) -> str:
    return f"{uuid.uuid4().hex}/{check_name(name)}"


def missing(key: str) -> NotFound:
    return NotFound(f"no stored file has the key {key!r}", field="key")
