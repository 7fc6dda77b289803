"""The second factor: who must have one, enrolling a TOTP authenticator, recovery codes, and an
admin's reset. Each do_* is atomic and writes one audit row (never the secret or the codes).

Staff whose decisions move money or awards (committee, finance, secretariat, admin) and anybody
who can open Django's admin (is_staff, is_superuser) sign in with a password and then a code;
aisc.web.accounts.second_factor_middleware holds every other page back until they have.
Wrong codes are throttled by django-otp itself: each failure doubles the wait before the next
try is even checked (1 s, 2 s, 4 s, ...), per device.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.core.errors import RuleViolation
from aisc.web.accounts import verbs
from aisc.web.accounts.models import User
from aisc.web.audit.record import record

RECOVERY_CODES = 10
TOTP_DIGITS = 6
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


def required_for(user: User) -> bool:
    """Whether this account must pass a second factor before using the portal or the admin."""
    roles: tuple[str, ...] = settings.AISC_TWO_FACTOR_ROLES
    if not roles:
        return False
    return user.is_staff or user.is_superuser or user.has_role(*roles)


def enrolled(user: User) -> bool:
    return bool(TOTPDevice.objects.devices_for_user(user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: kept unconfirmed (unusable) until a first code proves
    the person scanned it, and the same one on every reload so the QR code does not change."""
    found = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return found or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it when typed in: base32, in groups of four."""
    plain = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG drawn here: the secret never leaves for a QR web service."""
    # Imported here: only the set-up page draws a QR code; every worker would carry it otherwise.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline in the page: no XML declaration


def new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class Enrolled:
    device: TOTPDevice
    recovery_codes: list[str]  # shown once


@transaction.atomic
def do_enrol_authenticator(*, acting_user: User, token: str) -> Enrolled:
    device = pending_authenticator(acting_user)
    if not device.verify_token(token.strip()):
        raise RuleViolation(_("The code does not match the authenticator's."), field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(acting_user)
    record(
        acting_user,
        verbs.TWO_FACTOR_ENROL,
        acting_user,
        after={"device": AUTHENTICATOR, "recovery_codes": len(codes)},
    )
    return Enrolled(device, codes)


@transaction.atomic
def do_enrol_known_key(*, acting_user: User | None, user: User, key: bytes) -> TOTPDevice:
    """An authenticator whose key is already known: the demo's one documented key."""
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, key=key.hex(), confirmed=True)
    record(acting_user, verbs.TWO_FACTOR_ENROL, user, after={"device": AUTHENTICATOR})
    return device


@transaction.atomic
def do_verify_second_factor(*, acting_user: User, token: str) -> Device | None:
    """The device that accepts the code (the authenticator's, or an unused recovery code, which
    it then deletes); None when none does. Only a recovery code's use is audited: it means the
    authenticator is lost or away, which the person and the auditors should know."""
    token = token.strip().replace(" ", "").lower()
    # Six digits are the authenticator's; anything else is tried as a recovery code. Each
    # device counts its own failures, so a mistyped code must not slow down the other one.
    kind = TOTPDevice if token.isdigit() and len(token) == TOTP_DIGITS else StaticDevice
    for device in kind.objects.devices_for_user(acting_user, confirmed=True).select_for_update():
        if device.verify_token(token):
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                record(
                    acting_user,
                    verbs.TWO_FACTOR_USE_RECOVERY_CODE,
                    acting_user,
                    after={"recovery_codes_left": left},
                )
            return device
    return None


@transaction.atomic
def do_regenerate_recovery_codes(*, acting_user: User) -> list[str]:
    if not enrolled(acting_user):
        raise RuleViolation(_("Set up an authenticator first."), field="token")
    codes = new_recovery_codes(acting_user)
    record(
        acting_user,
        verbs.TWO_FACTOR_REGENERATE_CODES,
        acting_user,
        after={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def do_reset_second_factor(*, acting_user: User, user: User) -> None:
    """For a person who lost both the authenticator and the codes: their devices go, and the
    next sign-in asks them to set up a new one."""
    removed = sorted({type(d).__name__ for d in devices_for_user(user, confirmed=None)})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(acting_user, verbs.TWO_FACTOR_RESET, user, before={"devices": removed})
