"""The rules of aisc.core.billing that billing's forms show, marked here for translation (the core
imports no Django); the page translates the template, then fills in its figures
(aisc.web.grants.views.page.in_language)."""

from django.utils.translation import gettext_noop

CORE_RULES = (
    gettext_noop("must be an amount in HK$, such as 1250.50 (got '%(typed)s')"),
    gettext_noop("must be an amount in HK$ to the cent, such as 1250.50 (got '%(typed)s')"),
    gettext_noop("must be more than zero (got %(amount)s)"),
    gettext_noop("HK$%(amount)s is more than the HK$%(owed)s still owed on this document"),
    gettext_noop("must be a date as YYYY-MM-DD (got '%(typed)s')"),
    gettext_noop("cannot be in the future (%(received)s is after %(today)s)"),
    gettext_noop("cannot be before the document was issued on %(issued)s"),
    gettext_noop(
        "HK$%(amount)s is more than the HK$%(recoverable)s of subsidy disbursed on award "
        "%(project)s that is not already being recovered"
    ),
    gettext_noop("give the reason for the recovery"),
    gettext_noop("a write-off is approved by a second person, not the one who proposed it"),
)
