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
    # The menu groups entries by task; an entry of no group stands alone in the bar.
    group: str | Promise | None = None
    # Other actions that show the entry too: one page serving several roles is one entry.
    also: tuple[str, ...] = ()

    @property
    def actions(self) -> tuple[str, ...]:
        return (self.action, *self.also)


# The public front door first: what anyone may read without an account.
PUBLIC = "public"


SCHEME = _("The scheme")
GRANTS = _("Grants and allocations")
MONEY = _("Money")
OPERATIONS = _("Operations")
ACCOUNT = _("Account")

# A new app adds its entries here, beside the others of its group; the order is the order on
# screen, a group's entries stay together, and no page has two entries (tests/web/portal checks
# both).
NAV: list[NavItem] = [
    NavItem(_("Home"), "grants:front", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Calls"), "grants:calls", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Compute-need estimator"), "catalogue:estimate", PUBLIC, public=True, group=SCHEME),
    NavItem(_("List prices"), "catalogue:prices", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Chips and capacity"), "catalogue:chips", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Grantees"), "grants:grantees", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Impact"), "grants:impact", PUBLIC, public=True, group=SCHEME),
    NavItem(_("Dashboard"), "queues:dashboard", "portal.dashboard.view"),
    NavItem(_("Grants"), "grants:home", "grants.call.view", group=GRANTS),
    NavItem(_("Schemes"), "grants:schemes", "grants.scheme.view", group=GRANTS),
    NavItem(
        _("Starter-grant programmes"),
        "grants:starter_programmes",
        "grants.call.manage",
        group=GRANTS,
    ),
    # Staff see every allocation, grantees their own, on the same page: one entry for both.
    NavItem(
        _("Allocations"),
        "allocations:list",
        "allocations.list.view",
        group=GRANTS,
        also=("allocations.mine.view",),
    ),
    NavItem(
        _("Dedicated nodes"),
        "allocations:reservations",
        "allocations.reservations.view",
        group=GRANTS,
    ),
    NavItem(_("Statements"), "billing:statements", "billing.statements.list", group=MONEY),
    NavItem(_("Fund"), "billing:fund", "billing.fund.view", group=MONEY),
    NavItem(_("Award budgets"), "billing:credit", "billing.credit.view", group=MONEY),
    NavItem(_("Centre analytics"), "billing:analytics", "billing.analytics.view", group=MONEY),
    NavItem(_("Catalogue"), "catalogue:overview", "catalogue.view", group=OPERATIONS),
    NavItem(_("Capacity"), "allocations:capacity", "allocations.capacity.view", group=OPERATIONS),
    NavItem(
        _("Capacity plan"),
        "allocations:capacity_plan",
        "allocations.capacity.view",
        group=OPERATIONS,
    ),
    NavItem(_("Embedded cluster"), "cluster:overview", "cluster.view", group=OPERATIONS),
    NavItem(_("Worker and outbox"), "outbox:overview", "outbox.view", group=OPERATIONS),
    NavItem(_("Audit log"), "audit:list", "audit.view", group=OPERATIONS),
    NavItem(_("API tokens"), "accounts:tokens", "accounts.token.manage", group=ACCOUNT),
    NavItem(
        _("My organisations"), "accounts:organisations", "accounts.organisation.list", group=ACCOUNT
    ),
    NavItem(_("Profile"), "accounts:profile", "accounts.profile.edit", group=ACCOUNT),
    NavItem(_("Staff roles"), "accounts:staff", "accounts.staff.manage", group=ACCOUNT),
]
