"""The CLI's bad-input table (issue 15): each case through the real `aisc` command ends in one
line naming the problem and a non-zero exit, never a traceback; a file that is partly bad keeps
its good lines and rejects only the bad ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisc.adapters.slurm.usage import FIELDS
from aisc.cli.main import app
from aisc.web.billing.models import BillingPeriod, UsageRecord

# `tenant`: an account the directory knows and an H800 rate card, so only the case's flaw counts.
from tests.web.billing.test_periodic import job, tenant  # noqa: F401

pytestmark = pytest.mark.django_db
runner = CliRunner()
HEADER = "|".join(FIELDS)
CSV_HEADER = "job_id,account,user,partition,state,submit,start,elapsed,alloc_tres"
GOOD = job("1")
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]
    file: bytes | None  # written to FILE, which args name
    code: int
    message: str  # what the one `aisc:` line says


CASES = [
    Case("non-UTF-8 sacct", ["usage", "ingest", "--sacct-file", "FILE"], b"\xff\xfeJobID", 2,
         "is not UTF-8 text"),
    Case("non-UTF-8 CSV", ["usage", "ingest", "--csv", "FILE"], b"job_id\n\xff", 2,
         "is not UTF-8 text"),
    Case("empty sacct file", ["usage", "ingest", "--sacct-file", "FILE"], b"", 2, "is empty"),
    Case("empty CSV", ["usage", "ingest", "--csv", "FILE"], b"\n\n", 2, "is empty"),
    Case("header-less CSV", ["usage", "ingest", "--csv", "FILE"],
         b"1,tenant-kc,alice,h800,COMPLETED,2026-03-10T02:00,2026-03-10T02:00,1:00:00,gpu\n", 1,
         "header: the CSV lacks"),
    Case("CSV with a NUL byte", ["usage", "ingest", "--csv", "FILE"],
         f"{CSV_HEADER}\n1,tenant-kc\x00,a,h800,COMPLETED,x,x,1:00,g\n".encode(), 1,
         "every one of the 1 job lines was rejected"),
    Case("sacct with a NUL byte", ["usage", "ingest", "--sacct-file", "FILE"],
         (HEADER + "\n" + job("6").replace("alice", "al\x00ice") + "\n").encode(), 1,
         "every one of the 1 job lines was rejected"),
    Case("CSV with a field over the csv module's limit", ["usage", "ingest", "--csv", "FILE"],
         f"{CSV_HEADER}\n1,{'x' * 200_000},a,h800,COMPLETED,x,x,1:00,g\n".encode(), 1,
         "line 2: not CSV (field larger than field limit (131072))"),
    Case("an Elapsed that overflows", ["usage", "ingest", "--sacct-file", "FILE"],
         f"{HEADER}\n{job('2', elapsed='999999999999-00:00:00')}\n".encode(), 1,
         "every one of the 1 job lines was rejected"),
    Case("1e20 GPUs in sacct", ["usage", "ingest", "--sacct-file", "FILE"],
         f"{HEADER}\n{job('3').replace('h800=2,gres/gpu=2', 'h800=' + '1' + '0' * 20)}\n".encode(),
         1, "every one of the 1 job lines was rejected"),
    Case("every line rejected", ["usage", "ingest", "--sacct-file", "FILE"],
         f"{HEADER}\n{job('4').replace('tenant-kc', 'stranger')}\n".encode(), 1,
         "every one of the 1 job lines was rejected"),
    Case("usage from the future", ["usage", "ingest", "--sacct-file", "FILE"],
         f"{HEADER}\n{job('5').replace('2026-03-10T02:00:00', FUTURE)}\n".encode(), 1,
         "every one of the 1 job lines was rejected"),
    Case("1e20 GPUs in a trace, strict", ["sim", "run", "--strict", "--trace", "FILE"],
         b"submit_time_s,gpus,duration_s\n0,100000000000000000000,100\n", 2,
         "gpus 100000000000000000000 must be at most 1,000,000"),
    Case("an unwritable --out", ["sim", "run", "--synthetic", "5", "--out", "/proc/aisc-no"],
         None, 1, "--out: cannot write to /proc/aisc-no"),
    Case("an unwritable anchor --out", ["audit", "anchor", "--out", "/proc/aisc-no/a.json"],
         None, 1, "cannot write the anchor to /proc/aisc-no/a.json"),
    Case("billing close 0000-01", ["billing", "close", "0000-01"], None, 2,
         "period: must be a month written YYYY-MM in ASCII digits, from 1970-01 to 2100-12"),
    Case("a month before 1970", ["billing", "show", "1969-12"], None, 2, "from 1970-01"),
    Case("a month after 2100", ["billing", "close", "2101-01"], None, 2, "to 2100-12"),
    Case("full-width digits", ["billing", "close", "２０２６-１１"], None, 2, "ASCII digits"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_a_non_zero_exit_never_a_traceback(
    case: Case, tmp_path: Path
) -> None:
    path = tmp_path / "input"
    if case.file is not None:
        path.write_bytes(case.file)
    args = [str(path) if a == "FILE" else a for a in case.args]
    result = runner.invoke(app, args)
    assert result.exit_code == case.code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("aisc: ")]
    assert len(errors) == 1, result.stderr
    assert case.message in errors[0]
    assert not UsageRecord.objects.exists()
    assert not BillingPeriod.objects.exists()


def test_an_overflowing_elapsed_rejects_its_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "sacct.txt"
    path.write_text(f"{HEADER}\n{GOOD}\n{job('2', elapsed='999999999999-00:00:00')}\n")
    result = runner.invoke(app, ["usage", "ingest", "--sacct-file", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip() == "read 1 job records: 1 new, 0 corrected, 0 unchanged; 1 rejected"
    )
    assert result.stderr == (
        "  line 3: elapsed: must be at most 366 days (got '999999999999-00:00:00')\n"
    )
    assert list(UsageRecord.objects.values_list("job_id", flat=True)) == ["1"]


def test_a_job_running_into_the_future_is_rejected_naming_when(tmp_path: Path) -> None:
    path = tmp_path / "sacct.txt"
    path.write_text(f"{HEADER}\n{GOOD}\n{job('5').replace('2026-03-10T02:00:00', FUTURE)}\n")
    result = runner.invoke(app, ["usage", "ingest", "--sacct-file", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 3: submit: the job ran until " in result.stderr
    assert "usage cannot come from the future" in result.stderr
    assert list(UsageRecord.objects.values_list("job_id", flat=True)) == ["1"]


def test_a_trace_line_with_1e20_gpus_is_skipped_and_the_rest_simulated(tmp_path: Path) -> None:
    path = tmp_path / "trace.csv"
    path.write_text("submit_time_s,gpus,duration_s\n0,100000000000000000000,100\n0,4,50\n")
    result = runner.invoke(app, ["sim", "run", "--trace", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert "gpus 100000000000000000000 must be at most 1,000,000" in result.stderr


@pytest.mark.parametrize("option", ["--sacct-file", "--csv"])
def test_a_line_with_a_nul_byte_is_rejected_and_stored_with_the_byte_written_out(
    option: str, tmp_path: Path
) -> None:
    from aisc.web.billing.models import RejectedLine

    path = tmp_path / "usage"
    if option == "--csv":
        path.write_text(f"{CSV_HEADER}\n1,tenant-kc\x00,a,h800,COMPLETED,x,x,1:00,g\n")
    else:
        path.write_text(HEADER + "\n" + job("6").replace("alice", "al\x00ice") + "\n")
    result = runner.invoke(app, ["usage", "ingest", option, str(path)])
    assert result.exit_code == 1
    assert "line 2: line: holds a NUL byte, which no sacct field contains" in result.stderr
    (stored,) = RejectedLine.objects.all()
    assert "\x00" not in stored.line
    assert "\\x00" in stored.line
