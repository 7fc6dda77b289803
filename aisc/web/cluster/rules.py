"""Operators run the embedded cluster; auditors see it by the role-wide `.view` rule."""

from aisc.web.accounts.authz import has_roles, rule
from aisc.web.accounts.models import Role

rule("cluster.view")(has_roles(Role.OPERATOR))
rule("cluster.job.submit")(has_roles(Role.OPERATOR))
