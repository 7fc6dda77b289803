"""Anchoring the audit chain outside the database.

The hash chain alone proves nothing to someone who can write the database: they can delete the
newest rows, or rewrite a row and recompute every later hash with `chain.row_hash`. Two things
close that, both keyed by AISC_AUDIT_ANCHOR_KEY, which the database never holds:

- each row's `seal` is HMAC-SHA256(key, row hash), so a row written or rewritten by hand (a forged
  tail, an appended fabrication) has no valid seal, whatever hash it carries;
- an anchor is the chain's head (row count, last id, last hash) with an HMAC over it, written
  outside the database (the worker's anchor directory and log, `aisc audit anchor --out`); a chain
  that no longer holds the anchored head at the anchored count has lost or gained rows before it.

Rows deleted after the newest anchor cannot be told apart from rows never written: anchor often
(AISC_AUDIT_ANCHOR_MINUTES) and keep the files off the database host.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aisc.web.audit import chain
from aisc.web.audit.models import AuditEvent

CHUNK = 2000


class AnchorError(Exception):
    """An anchor file that cannot be read or written, in one line."""


def _key() -> bytes:
    key: str = settings.AISC_AUDIT_ANCHOR_KEY
    return key.encode()


def seal(row_hash: str) -> str:
    return hmac.new(_key(), row_hash.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    rows: int
    last_id: int
    hash: str
    at: str
    mac: str = ""

    def payload(self) -> bytes:
        fields = {"rows": self.rows, "last_id": self.last_id, "hash": self.hash, "at": self.at}
        return chain.canonical(fields)

    def signed(self) -> Anchor:
        mac = hmac.new(_key(), self.payload(), hashlib.sha256).hexdigest()
        return Anchor(self.rows, self.last_id, self.hash, self.at, mac)

    def signature_holds(self) -> bool:
        return hmac.compare_digest(self.signed().mac, self.mac)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def current_head() -> Anchor:
    """The signed head of the chain as it stands, read under the writers' lock so no half-written
    transaction sits below it."""
    from aisc.web.audit.record import lock_chain

    with transaction.atomic():
        lock_chain()
        rows = AuditEvent.objects.count()
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    last_id, last_hash = last if last else (0, chain.GENESIS)
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    return Anchor(rows, last_id, last_hash, at).signed()


def write(path: Path, anchor: Anchor) -> None:
    """Write the anchor whole (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(anchor.line() + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnchorError(f"cannot write the anchor to {path}: {exc.strerror}") from exc


def read(path: Path) -> Anchor:
    try:
        data: Any = json.loads(path.read_bytes())
    except OSError as exc:
        raise AnchorError(f"cannot read the anchor {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise AnchorError(f"the anchor {path} is not JSON") from exc
    try:
        anchor = Anchor(
            rows=int(data["rows"]),
            last_id=int(data["last_id"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            mac=str(data["mac"]),
        )
    except (TypeError, KeyError, ValueError) as exc:
        raise AnchorError(f"the anchor {path} lacks rows, last_id, hash, at or mac") from exc
    return anchor


def write_periodic() -> str:
    """The worker's task: a new anchor file in AISC_AUDIT_ANCHOR_DIR; the returned line goes to
    the worker's log."""
    anchor = current_head()
    directory = Path(settings.AISC_AUDIT_ANCHOR_DIR)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AnchorError(f"cannot create {directory}: {exc.strerror}") from exc
    stamp = anchor.at.replace("-", "").replace(":", "").replace("+0000", "Z")
    write(directory / f"audit-anchor-{stamp}.json", anchor)
    return f"audit anchor {anchor.line()}"


def _loaded(ids: list[int]) -> Iterator[tuple[int, AuditEvent | Exception]]:
    """The rows of these ids in order; a row the database cannot hand back as an AuditEvent (a
    timestamp or JSON written by hand) comes back as its error, by id, and the walk goes on."""
    try:
        yield from ((e.pk, e) for e in AuditEvent.objects.filter(id__in=ids).order_by("id"))
        return
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        if len(ids) == 1:
            yield ids[0], exc
            return
    for one in ids:
        yield from _loaded([one])


def rows() -> Iterator[tuple[int, str, str, str, dict[str, Any] | None]]:
    """(id, prev_hash, hash, seal, chained fields or None when the row is malformed)."""
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        for row_id, event in _loaded(ids[start : start + CHUNK]):
            if isinstance(event, Exception):
                yield row_id, "", "", "", None
                continue
            try:
                fields = event.chained_fields()
            except (ValueError, TypeError, AttributeError):
                yield row_id, event.prev_hash, event.hash, event.seal, None
                continue
            yield row_id, event.prev_hash, event.hash, event.seal, fields


def first_problem(anchor: Anchor | None = None) -> chain.Break | None:
    """The first row that breaks the chain, carries a bad seal, or contradicts the anchor."""
    if anchor is not None and not anchor.signature_holds():
        return chain.Break(0, "the anchor's signature does not hold under AISC_AUDIT_ANCHOR_KEY")
    expected_prev = chain.GENESIS
    sealed = False
    count = 0
    anchored_seen = anchor is None or anchor.last_id == 0
    for row_id, prev_hash, stored_hash, row_seal, fields in rows():
        if fields is None:
            return chain.Break(row_id, "it is malformed (a value the database cannot read back)")
        broken = chain.first_break([(row_id, prev_hash, stored_hash, fields)], expected_prev)
        if broken is not None:
            return broken
        if row_seal or sealed:
            sealed = True
            if not hmac.compare_digest(row_seal, seal(stored_hash)):
                return chain.Break(row_id, "its seal does not hold: aisc did not write this row")
        count += 1
        if anchor is not None and row_id == anchor.last_id:
            anchored_seen = True
            if stored_hash != anchor.hash:
                return chain.Break(row_id, "it differs from the anchored head: rows were rewritten")
            if count != anchor.rows:
                return chain.Break(
                    row_id,
                    f"{count} rows up to it, the anchor counted {anchor.rows}: rows were "
                    "deleted or inserted",
                )
        expected_prev = stored_hash
    if not anchored_seen and anchor is not None:
        return chain.Break(
            anchor.last_id,
            f"the anchored head is gone ({count} rows, the anchor counted {anchor.rows}): "
            "rows were deleted from the end",
        )
    return None
