"""The JSON API at /api/v1 (django-ninja): one router per domain app, mounted here, above every
app; the shared pieces (authentication, the error shape) are in aisc.web.api."""

from __future__ import annotations

from ninja import Router

from aisc.web.accounts import api as accounts_api
from aisc.web.accounts import org_api
from aisc.web.accounts.throttling import ApiThrottle
from aisc.web.allocations import api as allocations_api
from aisc.web.api import errors
from aisc.web.api.auth import AUTH
from aisc.web.api.openapi import AiscAPI
from aisc.web.api.parser import StrictParser, forbid_unknown_fields
from aisc.web.backoffice import audit_api, outbox_api
from aisc.web.billing import api as billing_api
from aisc.web.catalogue import api as catalogue_api
from aisc.web.catalogue import estimate_api
from aisc.web.grants import api as grants_api

api = AiscAPI(
    title="aisc API",
    version="1",
    description="AI Supercomputing Centre: calls, applications, reviews, awards, allocations, "
    "usage, billing. Errors: {error: {code, message, field}}.",
    auth=AUTH,
    throttle=[ApiThrottle()],
    urls_namespace="api",
    parser=StrictParser(),
)
errors.install(api)

# (url prefix, router): a new app adds one line here.
ROUTERS: list[tuple[str, Router]] = [
    ("/me", accounts_api.router),
    ("/organisations", org_api.router),
    ("/audit", audit_api.router),
    ("/billing", billing_api.router),
    ("/catalogue", catalogue_api.router),
    ("/estimate", estimate_api.router),
    ("/grants", grants_api.router),
    ("/allocations", allocations_api.router),
    ("/outbox", outbox_api.router),
]

for prefix, router in ROUTERS:
    api.add_router(prefix, router)
forbid_unknown_fields(api)
