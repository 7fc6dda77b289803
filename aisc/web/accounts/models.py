"""Organisations, users (log in by email), memberships, staff roles held as data, API tokens."""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.organisations import OrganisationStatus


class OrgKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RD_INSTITUTE = "rd_institute", _("R&D institute")
    STARTUP = "startup", _("Start-up")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class VerificationStatus(models.TextChoices):
    PENDING = OrganisationStatus.PENDING.value, _("Waiting for verification")
    VERIFIED = OrganisationStatus.VERIFIED.value, _("Verified")
    REFUSED = OrganisationStatus.REFUSED.value, _("Refused")


class Organisation(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrgKind.choices)
    registration_code = models.CharField(
        _("business registration or institution code"), max_length=40, unique=True
    )
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Staff-created organisations are verified by their creator; a self-registered one starts
    # pending (aisc.core.organisations).
    status = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.VERIFIED,
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        ordering: ClassVar[list[str]] = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def state(self) -> OrganisationStatus:
        return OrganisationStatus(self.status)


class RegistrationDocument(models.Model):
    """What an organisation sent to prove its registration; the secretariat reads it to verify."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="registration_documents"
    )
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey("User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("registration document")
        ordering: ClassVar[list[str]] = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A staff role, held as data so that rules and admin can refer to it by code."""

    REVIEWER = "reviewer"
    COMMITTEE = "committee"
    SECRETARIAT = "secretariat"
    OPERATOR = "operator"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"
    ALL: ClassVar[tuple[str, ...]] = (
        REVIEWER,
        COMMITTEE,
        SECRETARIAT,
        OPERATOR,
        FINANCE,
        AUDITOR,
        ADMIN,
    )

    code = models.SlugField(primary_key=True, max_length=20)
    name_en = models.CharField(max_length=80)
    name_zh = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.name_en


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email: is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in looks the address up as stored: in lower case, whatever case was typed (a phone
        capitalises the first letter)."""
        return self.get(**{self.model.USERNAME_FIELD: (username or "").lower()})

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self.create_user(email, password, **extra)
        user.roles.add(Role.objects.get(code=Role.ADMIN))
        return user


def centre_time_zone() -> str:
    """A new person's zone: the centre's (AISC_TIME_ZONE, Asia/Hong_Kong unless configured)."""
    return str(settings.TIME_ZONE)


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones this machine knows, sorted (the profile's choices); read once, as
    available_timezones() walks the zone files on every call."""
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_time_zone(value: str) -> None:
    if value not in time_zones():
        raise ValidationError(
            _("must be a time zone name such as Asia/Hong_Kong (got %(value)s)"),
            params={"value": value},
        )


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    # What links opened without a login (password reset, address verification) name the
    # account by: random, so a link shows nothing of how many accounts there are.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    language = models.CharField(
        _("language of mails"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Pages, lists and exports show times in this zone (the middleware in accounts.time_zone
    # activates it); stored times stay UTC, and the centre's rules keep the centre's zone.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=centre_time_zone, validators=[validate_time_zone]
    )
    digest_mail = models.BooleanField(
        _("daily digest instead of one mail per event"), default=False
    )
    # Staff who may see the centre analytics can ask for its report of each past month by mail.
    analytics_report_mail = models.BooleanField(
        _("monthly centre analytics report by mail"), default=False
    )
    # False from a self-service sign-up until the mailed link is followed; log-in waits for it.
    email_verified = models.BooleanField(default=True)
    declared_relationships = models.TextField(
        _("declared relationships (one organisation code or name per line)"), blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.full_name or self.email

    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            from aisc.web.accounts import callers  # which imports this module

            cached = callers.role_codes_of(self.pk) if self.pk is not None else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes() & set(codes))


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MembershipRole.choices)

    class Meta:
        verbose_name = _("membership")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class InvitationKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REQUEST = "request", _("Request to join")


class Invitation(models.Model):
    """An organisation's offer of membership, which the invited person accepts or declines; or a
    person's request to join, which an admin of the organisation accepts or declines.

    Nobody becomes a member without both sides consenting: a membership is what a person's
    conflicts of interest and access are computed from, so it is created only on acceptance."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()  # as the inviter typed it; all the inviter ever sees
    role = models.CharField(max_length=10, choices=MembershipRole.choices)
    kind = models.CharField(
        max_length=10, choices=InvitationKind.choices, default=InvitationKind.INVITATION
    )
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)  # None while pending

    class Meta:
        verbose_name = _("invitation")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(answered_at__isnull=True),
                name="one_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation} ({self.role})"


class ApiToken(models.Model):
    """A bearer token: shown once, stored as a SHA-256 digest, with expiry and revocation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any) -> bool:
        return self.revoked_at is None and self.expires_at > now


class RateCount(models.Model):
    """One client's requests against one rate limit (aisc.core.ratelimit): this window's count
    and the previous window's. Written by one upsert per request (accounts/throttling.py), so
    every server process and host counts against the same limit."""

    bucket = models.CharField(max_length=300, primary_key=True)
    slot = models.BigIntegerField()
    count = models.IntegerField()
    previous = models.IntegerField()
    # Unix seconds after which the row no longer counts (the end of the window after `slot`).
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("rate count")
        db_table = "aisc_rate_count"

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count} (+{self.previous} before)"
