"""The SHA-256 hash chain over audit rows: canonical bytes of a row plus the previous row's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Stable bytes: sorted keys, no whitespace, non-JSON values as strings."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Break:
    row_id: int
    reason: str


def first_break(
    rows: Iterable[tuple[int, str, str, Mapping[str, Any]]], expected_prev: str = GENESIS
) -> Break | None:
    """Walk (id, prev_hash, hash, fields) in id order from the row after `expected_prev`; name the
    first row that does not chain."""
    for row_id, prev_hash, stored_hash, fields in rows:
        if prev_hash != expected_prev:
            return Break(row_id, "its prev_hash does not match the hash of the row before it")
        if row_hash(prev_hash, fields) != stored_hash:
            return Break(row_id, "its content does not match its stored hash")
        expected_prev = stored_hash
    return None
