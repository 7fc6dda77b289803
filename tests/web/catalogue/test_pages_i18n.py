"""The catalogue pages read in English and in Traditional Chinese, with no untranslated labels."""

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.demo import DemoReport

PAGES = {
    "/catalogue/": ("Catalogue", "目錄"),
    "/catalogue/prices/": ("List prices", "牌價"),
    "/catalogue/exchange/": ("Exchange calculator", "兌換計算器"),
    "/catalogue/estimate/": ("Compute-need estimator", "算力需求估算器"),
}


@pytest.fixture
def operator(
    centre: DemoReport, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> Client:
    return logged_in(make_user(Role.OPERATOR))


@pytest.mark.parametrize(("path", "titles"), PAGES.items(), ids=list(PAGES))
def test_each_page_has_its_heading_in_both_languages(
    operator: Client, path: str, titles: tuple[str, str]
) -> None:
    english, chinese = titles
    assert f"<h1>{english}</h1>" in operator.get(path).content.decode()
    operator.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    body = operator.get(path).content.decode()
    assert f"<h1>{chinese}</h1>" in body
    assert english not in body


def test_the_operator_page_names_the_basis_and_node_states_in_chinese(operator: Client) -> None:
    operator.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    body = operator.get("/catalogue/?precision=bf16").content.decode()
    assert "PFLOPS（BF16 dense）" in body
    assert "閒置" in body  # idle
    assert "分區 h800" in body


def test_estimate_flags_are_translated(client: Client, centre: DemoReport) -> None:
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    query = "params=7e9&tokens=1e12&chip=h800&precision=bf16&workload=pretrain"
    body = client.get(f"/catalogue/estimate/?{query}&request_gpus=64&request_months=12&partial=1")
    assert "申請過量" in body.content.decode()


def test_signed_in_users_find_the_estimator_and_prices_in_the_navigation(
    operator: Client, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    body = operator.get("/dashboard/").content.decode()
    for url in ('href="/catalogue/"', 'href="/catalogue/estimate/"', 'href="/catalogue/prices/"'):
        assert url in body
    applicant_page = logged_in(make_user()).get("/dashboard/").content.decode()
    assert 'href="/catalogue/estimate/"' in applicant_page
    assert 'href="/catalogue/"' not in applicant_page
