"""Registers aisc as a client of the test provider and creates its people (idempotent)."""

from __future__ import annotations

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from tests.oidc_provider import people  # noqa: E402
from tests.oidc_provider.claims import UNVERIFIED  # noqa: E402

if not Application.objects.filter(client_id=people.CLIENT_ID).exists():
    Application.objects.create(
        name="aisc",
        client_id=people.CLIENT_ID,
        client_secret=people.CLIENT_SECRET,  # stored hashed
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://127.0.0.1/oidc/callback/ http://localhost/oidc/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,  # no consent page: the centre's own provider
    )
unverified, _ = Group.objects.get_or_create(name=UNVERIFIED)
for username, email, first, last, verified in people.PEOPLE:
    if not User.objects.filter(username=username).exists():
        user = User.objects.create_user(
            username, email, people.PASSWORD, first_name=first, last_name=last
        )
        if not verified:
            user.groups.add(unverified)
