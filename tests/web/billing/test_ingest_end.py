"""What sacct_args reads, with End: a job COMPLETED before Slurm wrote its end time is kept out
of the bill until an ingest reads it ended, and is then billed for its real run time."""

from collections.abc import Callable

import pytest

from aisc.adapters.slurm.usage import ASKED, parse_sacct
from aisc.web.billing import actions
from aisc.web.billing.ingest.batches import IngestReport, source_key
from aisc.web.billing.models import RejectedLine, UsageCharge, UsageRecord
from aisc.web.billing.prices import SpanPrices
from aisc.web.billing.projects import StaticDirectory
from tests.web.billing.conftest import HK, sacct_line

pytestmark = pytest.mark.django_db

IngestAsked = Callable[..., IngestReport]


@pytest.fixture
def ingest_asked(directory: StaticDirectory, prices: SpanPrices) -> IngestAsked:
    """Ingests sacct text with the columns sacct_args asks for: FIELDS, then End."""

    def run(*lines: str) -> IngestReport:
        text = "\n".join(["|".join(ASKED), *lines])
        parsed = parse_sacct(text, cluster="aisc", tz=HK)
        source = source_key("sacct", text)
        return actions.do_ingest(parsed, source, directory=directory, prices=prices, tz=HK)

    return run


def test_a_job_completed_without_its_end_time_is_rejected_then_billed_once_read_ended(
    ingest_asked: IngestAsked,
) -> None:
    # Read 3 s after the start, before slurmctld wrote the end: sacct measures up to now.
    early = ingest_asked(sacct_line("7", elapsed="00:00:03") + "|Unknown")
    assert early.inserted == 0
    [reject] = early.rejects
    assert reject.message.startswith("end: the job is COMPLETED but has no end time yet")
    assert RejectedLine.objects.get().message == reject.message
    assert not UsageRecord.objects.exists()
    assert not UsageCharge.objects.exists()
    # The next overlapping window reads it with its end, and its whole hour is billed.
    later = ingest_asked(sacct_line("7", elapsed="01:00:00") + "|2026-03-02T11:00:00")
    assert (later.inserted, later.rejects) == (1, [])
    record = UsageRecord.objects.get()
    assert (record.job_id, record.elapsed_seconds, record.final) == ("7", 3600, True)
    assert sum(c.gpu_seconds for c in UsageCharge.objects.all()) == 8 * 3600


def test_a_running_job_read_with_an_unknown_end_is_billed_so_far_and_corrected(
    ingest_asked: IngestAsked,
) -> None:
    ingest_asked(sacct_line("8", state="RUNNING", elapsed="00:30:00") + "|Unknown")
    ingest_asked(sacct_line("8", elapsed="01:00:00") + "|2026-03-02T11:00:00")
    record = UsageRecord.objects.get()
    assert (record.elapsed_seconds, record.final) == (3600, True)
    assert sum(c.gpu_seconds for c in UsageCharge.objects.all()) == 8 * 3600
