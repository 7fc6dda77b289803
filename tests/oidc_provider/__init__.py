"""A real OpenID Connect provider for the single-sign-on tests: a second Django process running
django-oauth-toolkit's provider (scripts/oidc-test-provider up|down), with its own SQLite file,
an RSA signing key made at start, one registered client (aisc) and three people."""
