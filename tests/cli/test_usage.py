"""`aisc usage ingest` at its edges: times and files it cannot read are refused naming the option,
and the plain report goes to stdout with each rejected line on stderr (--since against a fake
`sacct` is in tests/web/billing/test_usage_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisc.adapters.slurm.usage import FIELDS
from aisc.cli.main import app
from aisc.web.billing.models import UsageRecord

runner = CliRunner()
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "aisc: --since: must be a time like 2026-03-01T00:00"),
        (
            ["--since", "2026-03-01T00:00", "--until", "31/03/2026"],
            "aisc: --until: must be a time like 2026-03-01T00:00 (got '31/03/2026')",
        ),
    ],
)
def test_a_time_it_cannot_read_is_refused_naming_the_option(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["usage", "ingest", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert not UsageRecord.objects.exists()


@pytest.mark.parametrize("option", ["--sacct-file", "--csv"])
def test_a_missing_file_is_refused_naming_the_option_and_the_path(
    option: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.txt"
    result = runner.invoke(app, ["usage", "ingest", option, str(missing)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"aisc: {option}: cannot read {missing} (No such file or directory)"
    )


def test_giving_two_sources_is_refused_before_reading_either(tmp_path: Path) -> None:
    path = tmp_path / "sacct.txt"
    path.write_text("|".join(FIELDS) + "\n")
    result = runner.invoke(
        app, ["usage", "ingest", "--sacct-file", str(path), "--since", "2026-03-01T00:00"]
    )
    assert result.exit_code == 2
    assert "give exactly one of --since, --sacct-file or --csv" in result.stderr


def test_the_plain_report_counts_on_stdout_and_names_each_rejected_line_on_stderr(
    tmp_path: Path,
) -> None:
    start = "2026-03-10T10:00:00"
    path = tmp_path / "sacct.txt"
    path.write_text(
        "|".join(FIELDS)
        + f"\n7|aisc|stranger|bob|h800|COMPLETED|{start}|{start}|02:00:00|gres/gpu:h800=4\n"
    )
    result = runner.invoke(app, ["usage", "ingest", "--sacct-file", str(path)])
    assert result.exit_code == 1  # nothing of the file was usable
    assert result.stdout.strip() == (
        "read 1 job records: 0 new, 0 corrected, 0 unchanged; 1 rejected"
    )
    assert result.stderr == (
        "  line 2: account: unknown account 'stranger'\n"
        "aisc: every one of the 1 job lines was rejected\n"
    )
    assert not UsageRecord.objects.exists()
