"""The three tampers an attacker with the database's owner rights can do to the chain alone (and
that `aisc audit verify` used to call intact): delete the newest rows, rewrite a row and recompute
every later hash, append fabricated rows with correct hashes. Each is caught by the row seals or
by a signed anchor written outside the database; a malformed row is named by id."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web import worker_tasks
from aisc.web.audit import anchor, chain
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify
from tests.append_only import lifted
from tests.web.audit.test_chain import write_events

pytestmark = pytest.mark.django_db
runner = CliRunner()


def anchor_file(tmp_path: Path) -> Path:
    out = tmp_path / "anchor.json"
    result = runner.invoke(app, ["audit", "anchor", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def cli_verify(path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify", "--anchor", str(path)])
    return result.exit_code, result.output.strip()


def forge(row_id: int, verb: str) -> None:
    """Rewrite a row and recompute its hash and every later one, with aisc's own function."""
    with lifted():
        prev = AuditEvent.objects.get(pk=row_id).prev_hash
        for event in AuditEvent.objects.filter(id__gte=row_id).order_by("id"):
            if event.pk == row_id:
                event.verb = verb
            new_hash = chain.row_hash(prev, event.chained_fields())
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE audit_auditevent SET verb = %s, prev_hash = %s, hash = %s "
                    "WHERE id = %s",
                    [event.verb, prev, new_hash, event.pk],
                )
            prev = new_hash


def test_an_untouched_chain_holds_its_anchor(tmp_path: Path) -> None:
    write_events(3)
    path = anchor_file(tmp_path)
    write_events(2)  # rows written after the anchor are fine
    code, output = cli_verify(path)
    assert code == 0
    assert output.startswith("audit chain intact: 5 rows; the anchor of ")


def test_deleting_the_newest_rows_is_caught_by_the_anchor(tmp_path: Path) -> None:
    events = write_events(4)
    path = anchor_file(tmp_path)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk])
    assert verify() is None  # the chain alone cannot tell
    code, output = cli_verify(path)
    assert code == 1
    assert output == (
        f"audit chain broken at row {events[3].pk}: the anchored head is gone (2 rows, the "
        "anchor counted 4): rows were deleted from the end"
    )


def test_a_forged_tail_with_recomputed_hashes_is_caught_by_the_seals_and_the_anchor(
    tmp_path: Path,
) -> None:
    events = write_events(4)
    path = anchor_file(tmp_path)
    forge(events[1].pk, "thing.innocent")
    broken = verify()
    assert broken is not None
    assert (broken.row_id, broken.reason) == (
        events[1].pk,
        "its seal does not hold: aisc did not write this row",
    )
    code, output = cli_verify(path)
    assert (code, output.split(":")[0]) == (1, f"audit chain broken at row {events[1].pk}")


def test_an_appended_fabrication_with_a_correct_hash_has_no_valid_seal(tmp_path: Path) -> None:
    (last,) = write_events(1)
    path = anchor_file(tmp_path)
    fake = AuditEvent(verb="award.approve", object_type="Award", object_id="9", prev_hash=last.hash)
    fake.at = last.at + dt.timedelta(seconds=1)
    fake.hash = chain.row_hash(fake.prev_hash, fake.chained_fields())
    fake.seal = hmac.new(b"a guessed key", fake.hash.encode(), hashlib.sha256).hexdigest()
    fake.save(force_insert=True)
    code, output = cli_verify(path)
    assert code == 1
    assert output == (
        f"audit chain broken at row {fake.pk}: its seal does not hold: aisc did not write this row"
    )


def test_an_anchor_signed_with_another_key_or_edited_is_refused(tmp_path: Path) -> None:
    write_events(2)
    path = anchor_file(tmp_path)
    data = json.loads(path.read_text())
    data["rows"] = 1
    path.write_text(json.dumps(data))
    code, output = cli_verify(path)
    assert (code, output) == (
        1,
        "audit chain broken at row 0: the anchor's signature does not hold under "
        "AISC_AUDIT_ANCHOR_KEY",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the anchor"),
        ("{not json", "is not JSON"),
        ('{"rows": 1}', "lacks rows, last_id, hash, at or mac"),
        ("[]", "lacks rows, last_id, hash, at or mac"),
    ],
)
def test_an_unreadable_anchor_file_is_one_line_and_exit_two(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "anchor.json"
    if content is not None:
        path.write_text(content)
    code, output = cli_verify(path)
    assert code == 2
    assert output.startswith("aisc: ")
    assert message in output
    assert "Traceback" not in output


def test_an_anchor_to_an_unwritable_place_is_one_line_and_exit_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "anchor", "--out", str(tmp_path / "no" / "a.json")])
    assert result.exit_code == 1
    assert result.output.startswith(f"aisc: cannot write the anchor to {tmp_path}/no/a.json")


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_row_with_a_malformed_timestamp_is_named_by_id_not_a_traceback(tmp_path: Path) -> None:
    events = write_events(3)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET at = 'yesterday' WHERE id = %s", [events[1].pk])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"audit chain broken at row {events[1].pk}: it is malformed (a value the database "
        "cannot read back)"
    )


def test_the_worker_writes_a_signed_anchor_file_and_logs_it(tmp_path: Path) -> None:
    write_events(2)
    with override_settings(AISC_AUDIT_ANCHOR_DIR=tmp_path / "anchors"):
        task = next(t for t in worker_tasks.registered() if t.name == "audit.anchor")
        outcome = worker_tasks.run_one(task)
    assert outcome.ok, outcome.detail
    (written,) = (tmp_path / "anchors").glob("audit-anchor-*.json")
    stored = anchor.read(written)
    assert outcome.detail == f"audit anchor {stored.line()}"
    assert (stored.rows, stored.signature_holds()) == (2, True)
    assert verify(stored) is None


def test_rows_written_before_seals_existed_still_verify() -> None:
    """Unsealed rows are accepted only before the first sealed one."""
    first, second = write_events(2)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seal = '' WHERE id = %s", [first.pk])
    assert verify() is None
    with lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seal = '' WHERE id = %s", [second.pk])
    assert verify() is None  # both unsealed: rows from before seals


def test_a_row_after_a_sealed_one_must_be_sealed() -> None:
    _first, second = write_events(2)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seal = '' WHERE id = %s", [second.pk])
    broken = verify()
    assert broken is not None
    assert (broken.row_id, "seal" in broken.reason) == (second.pk, True)
