"""The demo's public-money side (issue 18): the first award's KPIs, progress report and outputs of
every kind (one set imported from BibTeX), a cap per organisation and per group of related
organisations, and declared other public funding checked at screening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Award, Scheme

BIBTEX = r"""@inproceedings{hklab2026tok,
  title = {Tokenising Cantonese and English together: a {BPE} study},
  booktitle = {Proc. Workshop on Asian Language Models},
  year = {2026},
  doi = {10.48550/arXiv.2402.00002}
}
"""
OUTPUTS = [
    {
        "kind": "model",
        "title": "Canto-13B (first checkpoint)",
        "licence": "Apache-2.0",
        "url": "https://huggingface.co/example-hk-lab/canto-13b",
    },
    {
        "kind": "publication",
        "title": "A Cantonese pre-training corpus and its evaluation",
        "doi": "10.48550/arXiv.2401.00001",
    },
    {
        "kind": "software",
        "title": "canto-tok tokeniser",
        "licence": "MIT",
        "url": "https://github.com/example-hk-lab/canto-tok",
    },
    {"kind": "patent_filed", "title": "Mixed-script tokenisation", "reference": "HK30099999A"},
    {"kind": "people_hired", "title": "Research engineers", "quantity": "3"},
    {"kind": "people_trained", "title": "Students trained on the centre's GPUs", "quantity": "14"},
    {"kind": "follow_on_funding", "title": "Seed round, Harbour Ventures", "quantity": "8000000"},
]
# The scheme's carry-over once set, and the award whose release shows it.
CARRY_OVER_PERCENT = Decimal(50)
CARRY_OVER_AWARD = "p2026a-003"
KPIS = [("Downloads of the released model", "5000", "downloads"), ("Papers", "3", "papers")]


def progress_report(staff: dict[str, User]) -> None:
    """KPIs agreed on the first award, then its progress report: values against them, outputs."""
    award = Award.objects.get(project_code="p2026a-001")
    kpis = [
        actions.do_agree_kpi(acting_user=staff["committee"], award=award, name=n, target=t, unit=u)
        for n, t, u in KPIS
    ]
    grantee = award.application.created_by
    report = actions.do_submit_report(
        acting_user=grantee,
        award=award,
        kind="progress",
        text="Data pipeline done; first 13B checkpoint trained on 120B tokens.",
    )
    for kpi, value in zip(kpis, ("1840", "2"), strict=True):
        actions.do_report_kpi(acting_user=grantee, report=report, kpi=kpi, value=value)
    for fields in OUTPUTS:
        actions.do_add_output(acting_user=grantee, award=award, report=report, **fields)
    actions.do_import_publications(
        acting_user=grantee, award=award, fmt="bibtex", text=BIBTEX, report=report
    )
    actions.do_accept_report(acting_user=staff["secretariat"], report=report)


def caps(scheme: Scheme, staff: dict[str, User]) -> None:
    """Two universities related (one group), and caps above every award made so far, so the
    decision screen shows running totals against them."""
    related = list(Organisation.objects.filter(registration_code__in=("HKU-DEMO", "LRU-DEMO")))
    actions.do_save_related_group(
        acting_user=staff["secretariat"], name="Harbour University group", organisations=related
    )
    actions.do_update_scheme(
        acting_user=staff["admin"],
        scheme=scheme,
        org_cap_subsidy=Decimal("20000000"),
        org_cap_gpu_hours=Decimal("100000"),
        group_cap_subsidy=Decimal("30000000"),
        group_cap_gpu_hours=Decimal("150000"),
        # From here on, half of a tranche's unused hours go on at the next release and the rest
        # expire (the first award's second tranche, released above, carried everything).
        carry_over_percent=CARRY_OVER_PERCENT,
    )


def release_with_carry_over(staff: dict[str, User]) -> Award | None:
    """A second award's progress report accepted once its project has run a while (billing's
    demo calls it after metering the cluster's usage): its second tranche is released and, at
    the scheme's carry-over, half of the first tranche's unused hours are written off."""
    award = Award.objects.get(project_code=CARRY_OVER_AWARD)
    if award.reports.exists():
        return None
    report = actions.do_submit_report(
        acting_user=award.application.created_by,
        award=award,
        kind="progress",
        text="Materials dataset curated; a first 7B checkpoint trained on the first tranche.",
    )
    actions.do_accept_report(acting_user=staff["secretariat"], report=report)
    return award


def declare_funding(application: Application, member: User) -> None:
    """Other public funding for the same work, declared before submission."""
    actions.do_declare_funding(
        acting_user=member,
        application=application,
        funder="Innovation and Technology Fund",
        programme="Innovation and Technology Support Programme",
        amount=Decimal("1200000"),
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2027, 8, 31),
    )


def check_declarations(staff: dict[str, User]) -> None:
    for application in Application.objects.filter(funding_declarations__isnull=False).distinct():
        for declaration in application.funding_declarations.all():
            actions.do_check_declaration(
                acting_user=staff["secretariat"],
                declaration=declaration,
                decision="no_overlap",
                note="ITF funds the data collection; the scheme the compute. No overlap.",
            )
