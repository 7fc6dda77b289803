"""The live estimate in a real browser: typing into the form updates the result, no submit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_typing_a_model_updates_the_estimate_and_its_flags_without_submitting(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/catalogue/estimate/")
    page.locator("#id_params").fill("7e9")
    page.get_by_label("Training tokens (or tokens served)", exact=False).fill("1e12")
    page.get_by_label("Assumed MFU").fill("0.4")
    result = page.locator("#estimate-result [data-key=gpu_hours]")
    expect(result).to_have_text("29,479")
    page.get_by_label("GPUs requested").fill("8")
    page.get_by_label("Months requested").fill("3")
    expect(page.locator("#estimate-result [data-key=requested_gpu_hours]")).to_have_text("17,520")
    expect(page.locator("#estimate-result [data-flag=unrealistic]")).to_be_visible()
    assert page.url == f"{live_url}/catalogue/estimate/"  # nothing was submitted


def test_a_bad_value_shows_the_field_and_the_rule_and_a_fix_clears_it(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/catalogue/estimate/")
    page.locator("#id_params").fill("-5")
    page.get_by_label("Training tokens (or tokens served)", exact=False).fill("1e12")
    expect(page.locator("#estimate-result [role=alert]")).to_contain_text(
        "Parameters must be between"
    )
    page.locator("#id_params").fill("7e9")
    expect(page.locator("#estimate-result [data-key=gpu_hours]")).to_be_visible()


def test_the_chinese_page_gives_the_same_figures(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/catalogue/estimate/")
    page.get_by_label("Language").select_option("zh-hant")
    page.wait_for_load_state()
    # The labels are Chinese now; the fields keep their names.
    expect(page.locator("label[for=id_params]")).to_contain_text("參數量")
    page.locator("#id_params").fill("7e9")
    page.get_by_label("訓練詞元數（或服務的詞元數）").fill("1e12")
    page.get_by_label("假設的 MFU").fill("0.4")
    expect(page.locator("#estimate-result [data-key=gpu_hours]")).to_have_text(
        re.compile(r"^29,?479$")
    )  # zh-Hant does not group digits
    expect(page.locator("#estimate-result caption")).to_have_text("估算")


EMBEDDED_FORM = """
<form id="application" hx-get="/catalogue/estimate/" hx-trigger="change"
      hx-target="#app-estimate" hx-params="not title">
  <input name="title" value="A Cantonese LLM">
  <input name="params" id="params">
  <input name="tokens" id="tokens">
  <input type="hidden" name="chip" value="h800">
  <input type="hidden" name="precision" value="bf16">
  <input type="hidden" name="workload" value="pretrain">
  <input name="request_gpus" id="gpus">
  <input name="request_months" id="months">
</form>
<div id="app-estimate"></div>
"""


def test_another_apps_form_embeds_the_live_estimate_with_htmx_attributes_alone(
    page: Page, live_url: str
) -> None:
    """What docs/catalogue.md tells another form to do, done on a page of its own: the
    attributes, and htmx (on every page) does the rest."""
    page.goto(f"{live_url}/catalogue/prices/")
    page.evaluate(
        "html => { const main = document.querySelector('main'); main.innerHTML = html;"
        " htmx.process(main); }",
        EMBEDDED_FORM,
    )
    page.locator("#params").fill("7e9")
    page.locator("#tokens").fill("1e12")
    page.locator("#gpus").fill("16")
    page.locator("#months").fill("6")
    page.locator("#months").blur()
    expect(page.locator("#app-estimate [data-key=gpu_hours]")).to_have_text("33,691")
    expect(page.locator("#app-estimate [data-key=requested_gpu_hours]")).to_have_text("70,080")
    expect(page.locator("#app-estimate [data-flag=over_request]")).to_be_visible()
