"""Awards decided by grants' own action: their commitments reach the ledger, their allocations
make their Slurm accounts billable, and the CLI closes a month end to end."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.core.errors import NotFound, RuleViolation
from aisc.core.ledger import accounts
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import actions
from aisc.web.billing.ledger import book, fund, reports
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.grants import actions as grants
from aisc.web.grants.models import Application, Award
from tests.web.allocations.test_receivers import approve

# Grants' fixtures (tests/fixtures/grants.py) make the award by grants' own decision action; the
# embedded cluster's demo catalogue supplies the rate cards and the nodes. Grants' flat-price card
# is not asked for, as it would overlap the demo's.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedded_cluster")]
D = Decimal


@pytest.fixture
def award(reviewed: Application, committee: User) -> Award:
    return approve(reviewed, committee)


def commitment_of(award: Award) -> Decimal:
    ref = fund.award_ref(award)
    code = accounts.commitment(ref.scheme, ref.call, ref.project)
    return book.balances(code).get(code, D(0))


def test_approving_an_award_posts_its_commitment_with_the_fund_behind_it(award: Award) -> None:
    assert commitment_of(award) == award.committed_amount
    the_call = award.application.call
    scheme_code = the_call.scheme.code
    balances = book.balances()
    assert balances[accounts.appropriation(scheme_code)] == -the_call.scheme.fund
    left = the_call.budget - award.committed_amount
    assert balances[accounts.call(scheme_code, the_call.code)] == left
    assert sum(balances.values()) == 0


def test_syncing_the_fund_again_posts_nothing_new(award: Award) -> None:
    result = CliRunner().invoke(app, ["billing", "sync-fund"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 ledger entries posted"


def test_a_changed_commitment_posts_only_the_difference(award: Award) -> None:
    Award.objects.filter(pk=award.pk).update(committed_amount=award.committed_amount + 1500)
    award.refresh_from_db()
    added = actions.do_post_entries(fund.fund_entries(), acting_user=None, verb="billing.fund.sync")
    assert added == 1
    assert commitment_of(award) == award.committed_amount


def test_a_cancelled_award_releases_its_commitment(award: Award) -> None:
    Award.objects.filter(pk=award.pk).update(status="cancelled")
    award.refresh_from_db()
    actions.do_post_entries(fund.fund_entries(), acting_user=None, verb="billing.fund.sync")
    assert commitment_of(award) == 0


def committed_in_the_ledger(year: int) -> Decimal:
    awards = Award.objects.filter(created_at__year=year).select_related("application__call__scheme")
    return sum((commitment_of(a) for a in awards), D(0))


def annual_committed(year: int) -> Decimal:
    result = CliRunner().invoke(app, ["report", "annual", "--year", str(year), "--json"])
    assert result.exit_code == 0, result.output
    return D(json.loads(result.output)["subsidy_committed"])


def test_cancelling_an_award_reverses_its_commitment_in_the_same_action(
    award: Award, secretariat: User
) -> None:
    the_call = award.application.call
    call_code = accounts.call(the_call.scheme.code, the_call.code)
    [line_before] = [x for x in reports.fund_lines()[1] if x.key[1] == the_call.code]
    grants.do_cancel_award(acting_user=secretariat, award=award, reason="the project stopped")
    assert commitment_of(award) == 0
    assert book.balances(call_code)[call_code] == the_call.budget
    [line_after] = [x for x in reports.fund_lines()[1] if x.key[1] == the_call.code]
    assert line_after.uncommitted - line_before.uncommitted == award.committed_amount
    assert sum(book.balances().values()) == 0
    event = AuditEvent.objects.get(verb="billing.commitment.reverse")
    assert event.actor == secretariat
    assert event.before == {
        "project": award.project_code,
        "committed": f"{award.committed_amount:f}",
    }
    after = event.after or {}
    assert after["committed"] == "0.00"
    [key] = after["keys"]
    assert key.startswith(f"commitment:{award.project_code}:-")
    assert book.entry(f"commitment:{award.project_code}").postings  # the original stays


def test_after_a_cancellation_syncing_the_fund_posts_nothing_new(
    award: Award, secretariat: User
) -> None:
    grants.do_cancel_award(acting_user=secretariat, award=award, reason="the project stopped")
    assert (
        actions.do_post_entries(fund.fund_entries(), acting_user=None, verb="billing.fund.sync")
        == 0
    )


def test_the_annual_reports_committed_figure_stays_equal_to_the_ledger(
    award: Award, secretariat: User
) -> None:
    year = award.created_at.year
    assert annual_committed(year) == committed_in_the_ledger(year) == award.committed_amount
    grants.do_cancel_award(acting_user=secretariat, award=award, reason="the project stopped")
    assert annual_committed(year) == committed_in_the_ledger(year) == 0


def test_a_cancellation_without_a_reason_leaves_the_commitment_in_place(
    award: Award, secretariat: User
) -> None:
    with pytest.raises(RuleViolation) as err:
        grants.do_cancel_award(acting_user=secretariat, award=award, reason="  ")
    assert err.value.field == "reason"
    assert commitment_of(award) == award.committed_amount
    assert not AuditEvent.objects.filter(verb="billing.commitment.reverse").exists()


def test_the_allocation_directory_gives_the_awards_terms_and_released_hours(award: Award) -> None:
    project = AllocationDirectory().get(award.project_code)
    assert project.terms is not None
    assert project.terms.rate == award.subsidy_rate
    assert project.terms.cap == award.subsidy_cap
    assert project.organisation_id == award.organisation_id
    assert project.released_gpu_hours is not None
    assert project.released_gpu_hours > 0
    with pytest.raises(NotFound) as err:
        AllocationDirectory().get("nobody")
    assert err.value.field == "account"


def test_usage_of_an_award_is_ingested_and_closed_from_the_cli(award: Award, tmp_path: Any) -> None:
    start, month = "2026-03-10T10:00:00", "2026-03"  # a month that has ended
    text = (
        "JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES\n"
        f"1|aisc|{award.project_code}|alice|h800|COMPLETED|{start}|{start}|02:00:00|"
        "gres/gpu:h800=4,gres/gpu=4\n"
        f"2|aisc|stranger|bob|h800|COMPLETED|{start}|{start}|02:00:00|gres/gpu:h800=4\n"
    )
    path = tmp_path / "sacct.txt"
    path.write_text(text)
    runner = CliRunner()
    ingested = runner.invoke(app, ["usage", "ingest", "--sacct-file", str(path), "--json"])
    assert ingested.exit_code == 0, ingested.output
    report = json.loads(ingested.output)
    assert report["inserted"] == 1
    assert report["rejected"] == [{"line": 3, "message": "account: unknown account 'stranger'"}]
    closed = runner.invoke(app, ["billing", "close", month, "--json"])
    assert closed.exit_code == 0, closed.output
    figures = json.loads(closed.output)
    [project] = figures["projects"]
    assert project["gpu_hours"] == "8.0000"
    assert D(project["subsidy"]) + D(project["due"]) == D(project["list_amount"])
    again = runner.invoke(app, ["billing", "close", month, "--json"])
    assert again.exit_code == 1
    assert "already closed" in again.output
