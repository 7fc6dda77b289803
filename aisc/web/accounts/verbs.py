"""The audit verbs of users, organisations, memberships and API tokens: one constant per verb,
named `app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
Rows written before the scheme carry the names in
`aisc.web.audit.filters.EARLIER_NAMES`, which the audit filter still finds.
"""

API_TOKEN_CREATE = "accounts.api_token.create"  # noqa: S105 - an audit verb, not a secret
API_TOKEN_REVOKE = "accounts.api_token.revoke"  # noqa: S105 - an audit verb, not a secret
API_TOKEN_REVOKE_ALL = "accounts.api_token.revoke_all"  # noqa: S105 - an audit verb, not a secret
MEMBERSHIP_ACCEPT = "accounts.membership.accept"
MEMBERSHIP_CHANGE_ROLE = "accounts.membership.change_role"
MEMBERSHIP_DECLINE = "accounts.membership.decline"
MEMBERSHIP_INVITE = "accounts.membership.invite"
MEMBERSHIP_REMOVE = "accounts.membership.remove"
MEMBERSHIP_REQUEST = "accounts.membership.request"
ORGANISATION_CREATE = "accounts.organisation.create"
ORGANISATION_DOCUMENT_ADD = "accounts.organisation.document_add"
ORGANISATION_DOCUMENT_DOWNLOAD = "accounts.organisation.document_download"
ORGANISATION_REFUSE = "accounts.organisation.refuse"
ORGANISATION_REGISTER = "accounts.organisation.register"
ORGANISATION_UPDATE = "accounts.organisation.update"
ORGANISATION_VERIFY = "accounts.organisation.verify"
TWO_FACTOR_ENROL = "accounts.two_factor.enrol"
TWO_FACTOR_REGENERATE_CODES = "accounts.two_factor.regenerate_codes"
TWO_FACTOR_RESET = "accounts.two_factor.reset"
TWO_FACTOR_USE_RECOVERY_CODE = "accounts.two_factor.use_recovery_code"
USER_CREATE = "accounts.user.create"
USER_SET_ROLES = "accounts.user.set_roles"
USER_SIGN_UP = "accounts.user.sign_up"
USER_SSO_LOGIN = "accounts.user.sso_login"
USER_UPDATE_PROFILE = "accounts.user.update_profile"
USER_VERIFY_EMAIL = "accounts.user.verify_email"
