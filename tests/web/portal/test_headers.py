"""Security headers on every response: a strict Content-Security-Policy (nothing inline, nothing
from elsewhere, no framing), X-Frame-Options, Referrer-Policy, Permissions-Policy; and no template
that would need the policy loosened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

WEB = Path(__file__).resolve().parents[3] / "aisc" / "web"
# Templates named *_pdf.html become PDFs (WeasyPrint, offline) and are never served as pages.
TEMPLATES = sorted(p for p in WEB.rglob("templates/**/*.html") if not p.name.endswith("_pdf.html"))


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me", "/api/v1/docs"])
def test_every_response_carries_the_security_headers(db: None, client: Client, path: str) -> None:
    response = client.get(path)
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    text = template.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script[^>]*>", text) if "src=" not in tag]
    assert inline_scripts == []
    assert re.findall(r"\son[a-z]+\s*=", text) == []  # onclick=, onchange=, ...
    assert "<style" not in text
    assert " style=" not in text
    assert "javascript:" not in text
    assert "hx-on" not in text  # htmx's inline handlers would need eval, which its config denies


def test_the_api_docs_load_swagger_ui_from_this_site_not_a_cdn(db: None, client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page
