from typing import Any

import pytest

from aisc.web.demo import DemoReport
from aisc.web.grants import impact
from aisc.web.grants.models import Application, Award, Call
from aisc.web.grants.queries import grantees


@pytest.fixture
def loaded(db: Any, settings: Any, tmp_path: Any) -> DemoReport:
    from aisc.web.catalogue import demo as catalogue_demo
    from aisc.web.demo import people
    from aisc.web.grants import demo

    settings.AISC_FILES_DIR = tmp_path
    report = DemoReport()
    for loader in (people.load, catalogue_demo.load, demo.load, demo.load):
        loader(report)
    return report


def test_the_demo_has_an_open_and_a_published_call_with_twelve_applications(
    loaded: DemoReport,
) -> None:
    assert dict(Call.objects.values_list("code", "status")) == {
        "c2026a": "published",
        "c2026b": "open",
    }
    assert Application.objects.count() == 12  # loading twice added nothing
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses.count("approved") == 3
    assert statuses.count("approved_in_part") == 2
    assert {"rejected", "withdrawn", "ineligible", "in_review", "returned", "draft"} <= set(
        statuses
    )


def test_the_bank_backed_tenant_gets_dedicated_compute_approved_in_part(
    loaded: DemoReport,
) -> None:
    bank = Award.objects.get(organisation__registration_code="VBK-DEMO")
    assert (bank.dedicated, bank.months, bank.application.status) == (
        True,
        9,
        "approved_in_part",
    )


def test_the_public_list_shows_only_the_published_funded_projects(loaded: DemoReport) -> None:
    listed = {row["organisation_en"] for row in grantees()}
    assert listed == {
        "Harbour University",
        "Peak Research University",
        "Lantern R&D Institute",
        "Junk Boat AI Ltd",
        "Victoria Harbour Bank",
    }
    exceptional = Award.objects.get(organisation__registration_code="LRI-DEMO")
    assert exceptional.exceptional_reason
    first = Award.objects.get(project_code="p2026a-001")
    assert first.tranches.filter(released_at__isnull=True).count() == 0


def test_the_demo_award_declares_a_model_and_a_publication_with_its_progress_report(
    loaded: DemoReport,
) -> None:
    award = Award.objects.get(project_code="p2026a-001")
    declared = {(o.kind, o.report.kind if o.report else None) for o in award.outputs.all()}
    assert declared == {("model", "progress"), ("publication", "progress")}  # loaded twice


def test_the_demo_grantee_with_a_short_award_is_blocked_once_its_final_report_falls_overdue(
    loaded: DemoReport,
) -> None:
    import datetime as dt

    from aisc.core.grants import obligations as rule
    from aisc.web.grants.actions.obligations import final_reports_owed

    junk = Award.objects.get(organisation__registration_code="JNK-DEMO").organisation
    owed = final_reports_owed(junk)
    rule.check_may_submit(owed, dt.date(2026, 12, 29))
    with pytest.raises(rule.OverdueFinalReport) as err:
        rule.check_may_submit(owed, dt.date(2026, 12, 30))
    assert err.value.due == dt.date(2026, 12, 29)
    draft = Application.objects.get(organisation=junk, call__code="c2026b")
    assert draft.status == "draft"


def test_the_demo_impact_page_shows_each_funded_project_with_a_lay_summary_and_outputs(
    loaded: DemoReport,
) -> None:
    rows = impact.awards()
    assert {r["organisation_en"] for r in rows} == {r["organisation_en"] for r in grantees()}
    assert all(r["lay_summary_en"] and r["lay_summary_zh"] for r in rows)
    (first,) = [r for r in rows if r["project_code"] == "p2026a-001"]
    assert {o["kind"] for o in first["outputs"]} == {"model", "publication"}
