"""Navigation by role: an item shows when the user may perform its action."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    public: bool = False  # shown to everyone, signed in or not


# The public front door first: what anyone may read without an account.
PUBLIC = "public"


# A new app adds its entries here; the order is the order on screen.
NAV: list[NavItem] = [
    NavItem(_("Home"), "grants:front", PUBLIC, public=True),
    NavItem(_("Calls"), "grants:calls", PUBLIC, public=True),
    NavItem(_("Compute-need estimator"), "catalogue:estimate", PUBLIC, public=True),
    NavItem(_("List prices"), "catalogue:prices", PUBLIC, public=True),
    NavItem(_("Chips and capacity"), "catalogue:chips", PUBLIC, public=True),
    NavItem(_("Grantees"), "grants:grantees", PUBLIC, public=True),
    NavItem(_("Dashboard"), "queues:dashboard", "portal.dashboard.view"),
    NavItem(_("Audit log"), "audit:list", "audit.view"),
    NavItem(_("Statements"), "billing:statements", "billing.statements.list"),
    NavItem(_("Fund"), "billing:fund", "billing.fund.view"),
    NavItem(_("Centre analytics"), "billing:analytics", "billing.analytics.view"),
    NavItem(_("Catalogue"), "catalogue:overview", "catalogue.view"),
    NavItem(_("Grants"), "grants:home", "grants.call.view"),
    NavItem(_("Schemes"), "grants:schemes", "grants.scheme.view"),
    NavItem(_("Allocations"), "allocations:list", "allocations.list.view"),
    NavItem(_("My allocations"), "allocations:list", "allocations.mine.view"),
    NavItem(_("Capacity"), "allocations:capacity", "allocations.capacity.view"),
    NavItem(_("Capacity plan"), "allocations:capacity_plan", "allocations.capacity.view"),
    NavItem(_("Dedicated nodes"), "allocations:reservations", "allocations.reservations.view"),
    NavItem(_("Embedded cluster"), "cluster:overview", "cluster.view"),
    NavItem(_("Worker and outbox"), "outbox:overview", "outbox.view"),
    NavItem(_("API tokens"), "accounts:tokens", "accounts.token.manage"),
    NavItem(_("My organisations"), "accounts:organisations", "accounts.organisation.list"),
    NavItem(_("Profile"), "accounts:profile", "accounts.profile.edit"),
    NavItem(_("Staff roles"), "accounts:staff", "accounts.staff.manage"),
]
