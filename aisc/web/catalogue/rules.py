"""Who may do what in the catalogue. The price list, chips and estimator are public and need
no rule; operator pages and edits do. Auditors see every `.view` by the role-wide rule."""

from aisc.web.accounts.authz import has_roles, rule
from aisc.web.accounts.models import Role

rule("catalogue.view")(has_roles(Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT))
rule("catalogue.ratecard.edit")(has_roles(Role.FINANCE, Role.OPERATOR))
rule("catalogue.exchange.edit")(has_roles(Role.OPERATOR))
rule("catalogue.node.edit")(has_roles(Role.OPERATOR))
# Public pages; these two rules only put them in every signed-in user's navigation.
rule("catalogue.estimator.view")(lambda user, obj: True)
rule("catalogue.prices.view")(lambda user, obj: True)
