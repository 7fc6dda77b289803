"""The public grantee list's version: one row, changed by every audited change of what the list
shows (aisc.web.grants.grantee_page); imported by models.py so Django finds it."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_version() -> str:
    """A random version, never a counter: a database restored from a backup, or another
    database under the same server, must not meet a version that a worker already holds a
    rendering of, unless it is the very state of the list that rendering shows."""
    return secrets.token_hex(8)


class GranteeListVersion(models.Model):
    # One row, id 1, created by the migration; changed inside the changing action's transaction.
    version = models.CharField(max_length=16, default=new_version)

    class Meta:
        verbose_name = _("grantee list version")

    def __str__(self) -> str:
        return f"grantee list {self.version}"
