"""API tokens follow the credentials and the staff roles they were issued under: a new password
(reset, change, or set by an admin) or a staff role taken away revokes the user's live tokens,
whichever path made the change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from aisc.web.accounts.actions import do_revoke_tokens_of
from aisc.web.accounts.models import User


@receiver(post_save, sender=User)
def revoke_tokens_on_new_password(sender: Any, instance: User, created: bool, **_: Any) -> None:
    # Django keeps the raw password in `_password` from set_password() until the save after it,
    # and clears it before saving a mere re-hash at log-in, which is not a new password.
    if created or getattr(instance, "_password", None) is None:
        return
    do_revoke_tokens_of(acting_user=None, user=instance, reason="password_changed")


@receiver(m2m_changed, sender=User.roles.through)
def revoke_tokens_on_role_removal(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **_: Any
) -> None:
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        users = [instance]
    elif pk_set:
        users = list(User.objects.filter(pk__in=pk_set))
    else:
        return  # a role's users cleared from the role's side: the admin has no such path
    for user in users:
        do_revoke_tokens_of(acting_user=None, user=user, reason="role_removed")
