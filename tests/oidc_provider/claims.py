"""The claims the test provider gives: e-mail, whether it verified it, and the name. People in
the group "unverified" have an address the provider has not verified."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED = "unverified"


class Claims(OAuth2Validator):  # type: ignore[misc]
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED).exists(),
            "name": f"{user.first_name} {user.last_name}".strip(),
        }
