from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aisc.web.accounts.models import Role, User
from aisc.web.demo import DemoReport
from aisc.web.grants import impact
from aisc.web.grants.models import (
    Application,
    Award,
    Call,
    FundingDeclaration,
    RelatedGroup,
    Scheme,
)
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
        "s2026": "open",
    }
    reviewed = Application.objects.exclude(call__code="s2026")
    assert reviewed.count() == 12  # loading twice added nothing
    statuses = sorted(reviewed.values_list("status", flat=True))
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


def test_the_demo_award_declares_its_outputs_once_with_its_progress_report(
    loaded: DemoReport,
) -> None:
    award = Award.objects.get(project_code="p2026a-001")
    declared = [(o.kind, o.report.kind if o.report else None) for o in award.outputs.all()]
    assert ("model", "progress") in declared
    assert {report for _, report in declared} == {"progress"}
    # loaded twice, declared once: 7 outputs and one publication imported from BibTeX
    assert len(declared) == 8


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
    assert {"model", "publication", "software"} <= {o["kind"] for o in first["outputs"]}


def test_the_demo_award_has_outputs_of_every_kind_kpis_reported_and_an_imported_paper(
    loaded: DemoReport,
) -> None:
    award = Award.objects.get(project_code="p2026a-001")
    kinds = set(award.outputs.values_list("kind", flat=True))
    assert {"software", "patent_filed", "people_trained", "follow_on_funding"} <= kinds
    assert award.outputs.filter(doi="10.48550/arXiv.2402.00002").exists()  # from BibTeX
    reported = {k.name: [v.value for v in k.values.all()] for k in award.kpis.all()}
    assert reported == {
        "Downloads of the released model": [Decimal("1840.00")],
        "Papers": [Decimal("2.00")],
    }


def test_the_demo_has_caps_a_related_group_and_a_checked_funding_declaration(
    loaded: DemoReport,
) -> None:
    scheme = Scheme.objects.get(code="aiss")
    assert scheme.org_cap_subsidy == Decimal("20000000")
    assert scheme.group_cap_gpu_hours == Decimal("150000")
    group = RelatedGroup.objects.get(name="Harbour University group")
    assert set(group.organisations.values_list("registration_code", flat=True)) == {
        "HKU-DEMO",
        "LRU-DEMO",
    }
    [declaration] = FundingDeclaration.objects.all()
    assert (declaration.funder, declaration.decision) == (
        "Innovation and Technology Fund",
        "no_overlap",
    )


def test_the_demo_annual_report_renders_as_a_page_and_a_pdf_with_its_kpis(
    loaded: DemoReport, make_user: Callable[..., User], settings: Any, tmp_path: Path
) -> None:
    settings.AISC_FILES_DIR = tmp_path
    client = Client()
    client.force_login(make_user(Role.COMMITTEE))
    year = Award.objects.get(project_code="p2026a-001").created_at.year
    page = client.get(reverse("billing:annual") + f"?year={year}").content.decode()
    assert 'data-kpi="Downloads of the released model"' in page
    assert 'data-figure="follow_on_funding" data-value="8000000.00"' in page
    pdf = client.get(reverse("billing:annual-pdf", args=[year]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_the_demo_has_a_starter_grant_the_system_approved_and_provisioned(
    loaded: DemoReport,
) -> None:
    starter = Application.objects.get(call__code="s2026")
    assert starter.status == "approved"
    decision = starter.decisions.get()
    assert decision.decided_by is None
    award = Award.objects.get(application=starter)
    assert (award.chip, award.gpu_hours, award.status) == ("br104", Decimal(500), "active")
    assert award.allocation.lines.filter(released=True).exists()


def test_a_chinese_reader_of_the_demo_finds_every_chinese_field_filled(
    loaded: DemoReport,
) -> None:
    """Where a model keeps a Chinese text beside an English one, the demo fills both."""
    from aisc.web.accounts.models import Organisation

    for model, pairs in (
        (Organisation, [("name_en", "name_zh")]),
        (Scheme, [("name_en", "name_zh")]),
        (Call, [("title_en", "title_zh")]),
        (Application, [("title", "title_zh"), ("lay_summary", "lay_summary_zh")]),
    ):
        for row in model.objects.all():
            for english, chinese in pairs:
                if getattr(row, english):
                    assert getattr(row, chinese), (model.__name__, row.pk, english)
    for call in Call.objects.all():
        assert all(c["name_zh"] and c["guidance_zh"] for c in call.rubric)
        assert all(item["label_zh"] for item in call.checklist)
