"""Demo organisations and one user per role."""

from __future__ import annotations

import base64

from aisc.web.accounts import second_factor
from aisc.web.accounts.actions import do_create_organisation, do_create_user
from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.demo import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, DemoReport

# Invented organisations; any resemblance to real ones is not intended.
ORGANISATIONS = [
    ("HKU-DEMO", "Harbour University", "海港大學", "university"),
    ("PRU-DEMO", "Peak Research University", "山頂研究大學", "university"),
    ("LRI-DEMO", "Lantern R&D Institute", "燈籠研發院", "rd_institute"),
    ("JNK-DEMO", "Junk Boat AI Ltd", "帆船人工智能有限公司", "startup"),
    ("DIM-DEMO", "Dim Sum Robotics Ltd", "點心機械人有限公司", "startup"),
    ("TRM-DEMO", "Tramways Analytics Ltd", "電車分析有限公司", "enterprise"),
    ("VBK-DEMO", "Victoria Harbour Bank", "維港銀行", "enterprise"),
]

STAFF = [
    (Role.REVIEWER, "reviewer@aisc.demo", "Rita Reviewer"),
    ("reviewer2", "reviewer2@aisc.demo", "Ray Reviewer"),
    ("reviewer3", "reviewer3@aisc.demo", "Rosa Reviewer"),
    (Role.COMMITTEE, "committee@aisc.demo", "Cora Committee"),
    (Role.SECRETARIAT, "secretariat@aisc.demo", "Sam Secretariat"),
    (Role.OPERATOR, "operator@aisc.demo", "Otto Operator"),
    (Role.FINANCE, "finance@aisc.demo", "Fiona Finance"),
    (Role.AUDITOR, "auditor@aisc.demo", "Audrey Auditor"),
    (Role.ADMIN, "admin@aisc.demo", "Ada Admin"),
]

APPLICANTS = [
    ("applicant", "applicant@aisc.demo", "Alex Applicant", "HKU-DEMO", "admin"),
    ("applicant", "startup@aisc.demo", "Sunny Startup", "JNK-DEMO", "admin"),
    ("applicant", "bank@aisc.demo", "Bea Banker", "VBK-DEMO", "admin"),
]


def ensure_organisation(code: str, name_en: str, name_zh: str, kind: str) -> Organisation:
    existing = Organisation.objects.filter(registration_code=code).first()
    if existing is not None:
        return existing
    return do_create_organisation(
        acting_user=None,
        name_en=name_en,
        name_zh=name_zh,
        kind=kind,
        registration_code=code,
        address="Cyberport, Pok Fu Lam, Hong Kong",
        contact_email=f"contact@{code.lower()}.demo",
    )


def load(report: DemoReport) -> None:
    orgs = {code: ensure_organisation(code, en, zh, kind) for code, en, zh, kind in ORGANISATIONS}
    for role, email, name in STAFF:
        code = Role.REVIEWER if role.startswith("reviewer") else role
        if not User.objects.filter(email=email).exists():
            user = do_create_user(
                acting_user=None, email=email, password=DEMO_PASSWORD, full_name=name, roles=(code,)
            )
            if role == "reviewer2":
                # A declared relationship, so the demo shows a conflict of interest.
                user.declared_relationships = "JNK-DEMO"
                user.save(update_fields=["declared_relationships"])
        # Also for a demo loaded before staff needed a second factor: the same documented key.
        user = User.objects.get(email=email)
        if second_factor.required_for(user) and not second_factor.enrolled(user):
            second_factor.do_enrol_known_key(
                acting_user=None, user=user, key=base64.b32decode(DEMO_TOTP_KEY_BASE32)
            )
        report.logins.append((role, email, DEMO_PASSWORD))
    for role, email, name, org_code, membership in APPLICANTS:
        if not User.objects.filter(email=email).exists():
            do_create_user(
                acting_user=None,
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                organisation=orgs[org_code],
                membership_role=membership,
            )
        report.logins.append((f"{role} ({org_code})", email, DEMO_PASSWORD))
    report.notes.append(
        "Committee, secretariat, finance and admin also enter a code: add the authenticator "
        f"key {DEMO_TOTP_KEY_BASE32} to any TOTP app (docs/security.md)."
    )
