"""Issue 18 item 1 in a real browser: on the award page, beside the progress report that awaits
its decision, the grantee declares an output (the form follows the kind chosen), sees a malformed
DOI refused beside its field with what was typed kept, imports publications from a BibTeX file
(preview, then confirm) and reports a KPI value the secretariat agreed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Award, KpiValue, Output, Report
from tests.browser.test_forms_keep_input import reviewed_in_browser  # noqa: F401 - fixture
from tests.browser.test_grants_flow import (  # noqa: F401 - the fixtures this walk shares
    Login,
    as_user,
    clear_ledger,
    open_call,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
BIBTEX = """@article{lee2026canto,
  title = {Cantonese Pre-training for Large Models},
  doi = {10.1162/tacl.2026.0042}
}
"""


@pytest.fixture
def open_report(reviewed_in_browser: Application) -> Report:  # noqa: F811 - the fixture above
    """The reviewed application approved and published, a KPI agreed, a progress report sent."""
    committee = User.objects.get(email="committee@aisc.demo")
    decision = DecisionInput(outcome="approve", members_present=[committee])
    actions.do_decide(acting_user=committee, application=reviewed_in_browser, decision=decision)
    call = reviewed_in_browser.call
    actions.do_close_call(acting_user=None, call=call)
    actions.do_publish_results(acting_user=committee, call=call)
    award = Award.objects.get(application=reviewed_in_browser)
    secretariat = User.objects.get(email="secretariat@aisc.demo")
    actions.do_agree_kpi(
        acting_user=secretariat, award=award, name="Papers", target="3", unit="papers"
    )
    grantee = User.objects.get(email="startup@aisc.demo")
    return actions.do_submit_report(
        acting_user=grantee, award=award, kind="progress", text="Month 3."
    )


def test_a_grantee_declares_outputs_imports_a_file_and_reports_a_kpi(
    page: Page, live_url: str, login: Login, open_report: Report, tmp_path: Path
) -> None:
    as_user(page, login, "startup@aisc.demo")
    page.goto(f"{live_url}/grants/awards/{open_report.award_id}/")
    outcomes = page.locator(f"#outcomes-{open_report.pk}")
    outcomes.get_by_role("link", name="Declare an output").click()

    page.get_by_label("Kind of output").select_option("model")
    page.get_by_role("button", name="Show its fields").click()
    form = page.locator("#outcome-form")
    expect(form.get_by_label("Licence")).to_be_visible()
    expect(form.get_by_label("DOI")).to_be_visible()
    form.get_by_label("Title").fill("Canto-13B")
    form.get_by_label("Web address").fill("https://huggingface.co/hk/canto-13b")
    form.get_by_label("DOI").fill("10.12/x")
    form.get_by_label("Licence").fill("Apache-2.0")
    form.get_by_role("button", name="Declare").click()

    form = page.locator("#outcome-form")
    invalid = form.locator(".field.invalid")
    expect(invalid).to_have_count(1)
    expect(invalid.locator(".error")).to_contain_text("not a DOI")
    expect(form.get_by_label("Title")).to_have_value("Canto-13B")
    expect(form.get_by_label("Licence")).to_have_value("Apache-2.0")
    form.get_by_label("DOI").fill("")
    form.get_by_role("button", name="Declare").click()
    expect(page.locator("#outputs [data-kind='model']")).to_contain_text("Canto-13B")

    bib = tmp_path / "refs.bib"
    bib.write_text(BIBTEX)
    page.locator(f"#outcomes-{open_report.pk}").get_by_role(
        "link", name="Import publications (BibTeX, CSL-JSON)"
    ).click()
    page.get_by_label("File").set_input_files(str(bib))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#added")).to_contain_text("10.1162/tacl.2026.0042")
    assert not Output.objects.filter(kind="publication").exists()
    page.get_by_role("button", name="Import the publications listed above").click()
    expect(page.locator("#outputs [data-kind='publication']")).to_contain_text(
        "Cantonese Pre-training for Large Models"
    )

    page.locator(f"#outcomes-{open_report.pk}").get_by_role(
        "link", name="Report a KPI value"
    ).click()
    page.get_by_label("KPI").select_option(label="Papers (3 papers)")
    page.get_by_label("Value").fill("1")
    page.get_by_role("button", name="Report").click()
    expect(page.locator("#kpis")).to_contain_text(": 1")
    assert KpiValue.objects.get().report == open_report
    assert set(Output.objects.values_list("report_id", flat=True)) == {open_report.pk}
