"""Outcomes per award beyond publications and models: every output kind the issue lists, the
import of publications from BibTeX and CSL-JSON (all or nothing, duplicates skipped), and KPIs
agreed at award time and reported against in each report; every refusal names its field and
saves nothing; everything audited."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Award, Kpi, KpiValue, Output

pytestmark = pytest.mark.django_db

BIBTEX = r"""
@article{lee2026canto,
  title = {{Cantonese} Pre-training for Large Models: A Case Study in {H}ong {K}ong},
  author = {Lee, Ada and Chan, Ben},
  journal = {Trans. Comput. Linguist.},
  year = {2026},
  doi = {10.1162/tacl.2026.0042}
}
@inproceedings{wong2026sparse,
  title = {Sparse attention on domestic accelerators: {Caf\'e} results},
  booktitle = {Proc. HPC Asia},
  year = 2026,
  doi = {https://doi.org/10.1145/3700000.3700001},
  url = {https://hpcasia.org/p/17}
}
"""


def test_every_output_kind_of_the_issue_is_recorded_with_its_own_fields(
    active: Award, applicant: User
) -> None:
    declared = [
        {
            "kind": "software",
            "title": "canto-tok",
            "url": "https://github.com/hk/t",
            "licence": "MIT",
        },
        {"kind": "patent_filed", "title": "Sparse attention", "reference": "HK30012345A"},
        {"kind": "patent_granted", "title": "Mixed precision", "reference": "HK1250001B"},
        {"kind": "product", "title": "Canto chat service", "url": "https://chat.example.hk"},
        {"kind": "people_hired", "title": "ML engineers", "quantity": "4"},
        {"kind": "people_trained", "title": "Graduate students", "quantity": "12"},
        {"kind": "follow_on_funding", "title": "ITF seed round", "quantity": "2500000"},
    ]
    for fields in declared:
        actions.do_add_output(
            acting_user=applicant,
            award=active,
            kind=fields["kind"],
            title=fields["title"],
            url=fields.get("url", ""),
            licence=fields.get("licence", ""),
            reference=fields.get("reference", ""),
            quantity=fields.get("quantity", ""),
        )
    stored = {o.kind: o for o in Output.objects.filter(award=active)}
    assert set(stored) == {d["kind"] for d in declared}
    assert stored["patent_filed"].reference == "HK30012345A"
    assert stored["people_trained"].quantity == Decimal(12)
    assert stored["follow_on_funding"].quantity == Decimal("2500000.00")
    assert stored["software"].licence == "MIT"
    funding = AuditEvent.objects.get(
        verb="grants.output.add", object_id=str(stored["follow_on_funding"].pk)
    )
    assert (funding.after or {})["quantity"] == "2500000.00"


def test_a_patent_without_its_number_is_refused_naming_the_field_and_nothing_is_saved(
    active: Award, applicant: User
) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_add_output(acting_user=applicant, award=active, kind="patent_filed", title="P")
    assert err.value.field == "reference"
    assert not Output.objects.exists()


def test_publications_are_imported_from_bibtex_with_latex_decoded_and_dois_bare(
    active: Award, applicant: User
) -> None:
    saved = actions.do_import_publications(
        acting_user=applicant, award=active, fmt="bibtex", text=BIBTEX
    )
    assert [(o.title, o.doi, o.url) for o in saved] == [
        (
            "Cantonese Pre-training for Large Models: A Case Study in Hong Kong",
            "10.1162/tacl.2026.0042",
            "",
        ),
        (
            "Sparse attention on domestic accelerators: Café results",
            "10.1145/3700000.3700001",
            "https://hpcasia.org/p/17",
        ),
    ]
    assert all(o.kind == "publication" and o.award == active for o in saved)
    assert AuditEvent.objects.filter(verb="grants.output.add").count() == 2


def test_importing_the_same_file_again_adds_nothing(active: Award, applicant: User) -> None:
    csl = json.dumps([{"id": "x", "title": "Canto LLM", "DOI": "10.1038/N1"}])
    first = actions.do_import_publications(
        acting_user=applicant, award=active, fmt="csl-json", text=csl
    )
    again = actions.do_import_publications(
        acting_user=applicant, award=active, fmt="csl-json", text=csl.replace("N1", "n1")
    )
    assert (len(first), again) == (1, [])
    assert Output.objects.count() == 1


def test_one_bad_entry_refuses_the_whole_import_naming_it(active: Award, applicant: User) -> None:
    broken = BIBTEX.replace("10.1145/3700000.3700001", "10.12/short")
    with pytest.raises(RuleViolation) as err:
        actions.do_import_publications(
            acting_user=applicant, award=active, fmt="bibtex", text=broken
        )
    assert err.value.field == "file"
    assert err.value.message.startswith("entry 2 (wong2026sparse): doi: not a DOI")
    assert not Output.objects.exists()


@pytest.mark.parametrize(
    ("fmt", "text", "field", "rule"),
    [
        ("bibtex", "@article{k, title = {unclosed\n@misc{m, title={x}}", "file", "line 1"),
        ("csl-json", "[{", "file", "not valid JSON"),
        ("ris", "TY  - JOUR", "format", "bibtex, csl-json"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_the_rule(
    active: Award, applicant: User, fmt: str, text: str, field: str, rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule) as err:
        actions.do_import_publications(acting_user=applicant, award=active, fmt=fmt, text=text)
    assert err.value.field == field
    assert not Output.objects.exists()


def test_an_import_waits_for_the_award_to_be_published(award: Award, applicant: User) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_import_publications(
            acting_user=applicant, award=award, fmt="bibtex", text=BIBTEX
        )
    assert err.value.field == "award"


def test_kpis_are_agreed_at_award_time_and_reported_against_in_each_report(
    award: Award, committee: User, applicant: User
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=committee,
        award=award,
        name="Monthly active users",
        target="10000",
        unit="users",
    )
    assert (kpi.target, kpi.unit) == (Decimal("10000.00"), "users")
    agreed = AuditEvent.objects.get(verb="grants.kpi.agree")
    assert (agreed.after or {})["unit"] == "users"
    award.status = "active"
    award.save(update_fields=["status"])
    first = actions.do_submit_report(acting_user=applicant, award=award, kind="progress", text="Q1")
    actions.do_report_kpi(acting_user=applicant, report=first, kpi=kpi, value="1200")
    corrected = actions.do_report_kpi(acting_user=applicant, report=first, kpi=kpi, value="1250")
    assert corrected.value == Decimal("1250.00")
    assert KpiValue.objects.filter(kpi=kpi).count() == 1
    change = AuditEvent.objects.filter(verb="grants.kpi.report").order_by("pk").last()
    assert change is not None
    assert (change.before, (change.after or {})["value"]) == ({"value": "1200.00"}, "1250.00")


def test_a_kpi_without_a_unit_is_refused_naming_the_field_and_nothing_is_saved(
    award: Award, committee: User
) -> None:
    with pytest.raises(RuleViolation, match="needs its unit") as err:
        actions.do_agree_kpi(
            acting_user=committee, award=award, name="Users", target="10", unit=" "
        )
    assert err.value.field == "unit"
    assert not Kpi.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.kpi.agree").exists()


def test_a_kpi_name_is_agreed_once_per_award_and_not_after_the_award_ends(
    award: Award, committee: User
) -> None:
    actions.do_agree_kpi(
        acting_user=committee, award=award, name="Users", target="10", unit="users"
    )
    with pytest.raises(RuleViolation, match="already has a KPI") as err:
        actions.do_agree_kpi(acting_user=committee, award=award, name="users", target="5", unit="u")
    assert err.value.field == "name"
    award.status = "completed"
    award.save(update_fields=["status"])
    with pytest.raises(RuleViolation) as err:
        actions.do_agree_kpi(
            acting_user=committee, award=award, name="Jobs", target="3", unit="jobs"
        )
    assert err.value.field == "award"


def test_a_value_goes_only_on_an_open_report_of_the_kpis_own_award(
    active: Award, committee: User, applicant: User
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=committee, award=active, name="Users", target="10", unit="u"
    )
    report = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="Q1"
    )
    with pytest.raises(RuleViolation) as err:
        actions.do_report_kpi(acting_user=applicant, report=report, kpi=kpi, value="-1")
    assert err.value.field == "value"
    actions.do_accept_report(acting_user=committee, report=report)
    report.refresh_from_db()
    with pytest.raises(RuleViolation, match="awaits its decision") as err:
        actions.do_report_kpi(acting_user=applicant, report=report, kpi=kpi, value="5")
    assert err.value.field == "report"
    elsewhere = Kpi(pk=kpi.pk + 100, award_id=active.pk + 100, name="x", target=1, unit="u")
    with pytest.raises(RuleViolation, match="another award") as err:
        actions.do_report_kpi(acting_user=applicant, report=report, kpi=elsewhere, value="5")
    assert err.value.field == "kpi"
    assert not KpiValue.objects.exists()


def test_the_award_page_lists_outputs_kpis_with_values_and_the_survey(
    active: Award, committee: User, applicant: User, client: Any
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=committee, award=active, name="Users", target="10000", unit="users"
    )
    report = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="Q1"
    )
    actions.do_report_kpi(acting_user=applicant, report=report, kpi=kpi, value="1250")
    actions.do_add_output(
        acting_user=applicant,
        award=active,
        kind="follow_on_funding",
        title="Seed",
        quantity="2500000",
    )
    Award.objects.filter(pk=active.pk).update(end_date=dt.date(2025, 1, 15))
    active.refresh_from_db()
    actions.do_answer_survey(
        acting_user=applicant, award=active, revenue="900000", users="12000", jobs="7"
    )
    client.force_login(applicant)
    page = client.get(reverse("grants:award", args=[active.pk])).content.decode()
    assert 'data-kind="follow_on_funding"' in page
    assert "HK$2,500,000.00" in page
    assert "Users: target 10000 users" in page
    assert ": 1250</li>" in page
    assert "Follow-up survey due 2026-01-15" in page
    assert "HK$900,000.00 · 12000 users · 7 jobs" in page
