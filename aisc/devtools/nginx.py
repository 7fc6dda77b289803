"""deploy/nginx-aisc.conf on this machine: a self-signed certificate, the site file with only
its addresses, certificate and static folder changed, and the main configuration Debian's
/etc/nginx/nginx.conf would give it with every path in a private folder. Used by the browser
stage's reverse-proxy test and by the deployment rehearsal (aisc.devtools.rehearsal)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "localhost"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for `localhost`, valid for a day, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "fullchain.pem", folder / "privkey.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def render_site(
    text: str, *, http: int, https: int, upstream: int, static: Path, cert: Path, key: Path
) -> str:
    """deploy/nginx-aisc.conf for this machine: each line it changes must be in the file as
    docs/deploy.md shows it, so an edit there that this misses fails here."""
    changes = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/aisc/fullchain.pem", str(cert)),
        ("/etc/ssl/aisc/privkey.pem", str(key)),
        ("alias /var/lib/aisc/static/;", f"alias {static}/;"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, f"nginx-aisc.conf no longer has one `{old}`"
        text = text.replace(old, new)
    return text


def main_config(prefix: Path, site: Path, user: str | None = None) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with every path in `prefix`. nginx's
    workers run as `user` when given; else, as root, as root: they would become `nobody`, who
    cannot read pytest's private folders."""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    if user is None and os.geteuid() == 0:
        user = "root"
    user_line = f"user {user};\n" if user else ""
    return f"""{user_line}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
{temp}
    include {site};
}}
"""
