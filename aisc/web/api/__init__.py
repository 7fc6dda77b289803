"""The JSON API at /api/v1 (django-ninja). Each domain app contributes a router."""

from __future__ import annotations

import importlib

from aisc.web.accounts.throttling import ApiThrottle
from aisc.web.api import errors
from aisc.web.api.auth import AUTH
from aisc.web.api.openapi import AiscAPI

api = AiscAPI(
    title="aisc API",
    version="1",
    description="AI Supercomputing Centre: calls, applications, reviews, awards, allocations, "
    "usage, billing. Errors: {error: {code, message, field}}.",
    auth=AUTH,
    throttle=[ApiThrottle()],
    urls_namespace="api",
)
errors.install(api)

# (url prefix, module with a `router`): a new app adds one line here.
ROUTERS: list[tuple[str, str]] = [
    ("/me", "aisc.web.accounts.api"),
    ("/organisations", "aisc.web.accounts.org_api"),
    ("/audit", "aisc.web.audit.api"),
    ("/billing", "aisc.web.billing.api"),
    ("/catalogue", "aisc.web.catalogue.api"),
    ("/estimate", "aisc.web.catalogue.estimate_api"),
    ("/grants", "aisc.web.grants.api"),
    ("/allocations", "aisc.web.allocations.api"),
    ("/outbox", "aisc.web.outbox.api"),
]

for prefix, module in ROUTERS:
    api.add_router(prefix, importlib.import_module(module).router)
