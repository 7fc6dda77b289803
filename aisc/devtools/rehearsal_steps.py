"""The deployment rehearsal's steps (aisc.devtools.rehearsal runs them in order): each runs
one section's shell blocks from docs/deploy.md, with the reader's values filled in, then checks
what the section promises."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aisc.devtools.nginx import HOST, main_config, render_site, self_signed
from aisc.devtools.ports import free_port

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
ADMIN = "ops@example.hk"
STATIC = Path("/var/lib/aisc/static")
UPGRADE_TABLE = "aisc_rehearsal_upgrade"


class Failure(Exception):
    """A documented step that did not do what the document says."""


class Host:
    """This machine as the rehearsal sees it: its folder, ports and the shell the blocks run in."""

    def __init__(self, work: Path, root: Path, password: str, booted: bool = False) -> None:
        self.work, self.root, self.password, self.booted = work, root, password, booted
        # A root shell of this host (its proxy and CA settings reach pip and uv), without
        # anything of this checkout's own: the blocks set what aisc reads.
        own = ("AISC_", "DJANGO_", "PG", "VIRTUAL_ENV", "PYTHON")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(own)},
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/root",
        }
        self.facts: dict[str, str] = {}
        self.state = work / "systemd"
        if booted:
            # Under a booted systemd (aisc.devtools.boot): the real services, documented ports.
            self.web, self.http, self.https, self.pg = 8000, 80, 443, 5432
            return
        self.web, self.http, self.https, self.pg = (free_port() for _ in range(4))
        self.state.mkdir()
        shim = work / "bin"
        shim.mkdir()
        # `systemctl` in the blocks is the stand-in, run by this checkout's Python.
        (shim / "systemctl").write_text(
            f'#!/bin/sh\nPYTHONPATH={root} exec {sys.executable} -m aisc.devtools.systemctl "$@"\n'
        )
        (shim / "systemctl").chmod(0o755)
        self.env.update(
            PATH=f"{shim}:{self.env['PATH']}",
            AISC_REHEARSAL_STATE=str(self.state),
            AISC_REHEARSAL_NGINX_CONF=str(work / "nginx/nginx.conf"),
            # The documented psql tools reach the private cluster.
            PGHOST=str(work / "pgsock"),
            PGPORT=str(self.pg),
        )

    def sh(self, script: str, title: str, stdin: str = "") -> str:
        print(f"--- {title}\n{script.rstrip()}", flush=True)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], input=stdin, env=self.env, cwd="/",
            capture_output=True, text=True, start_new_session=True,
        )  # fmt: skip
        out = (done.stdout + done.stderr).rstrip()
        if out:
            print("  | " + out.replace("\n", "\n  | "), flush=True)
        if done.returncode != 0:
            raise Failure(f"{title}: exit status {done.returncode}")
        return done.stdout

    def quietly(self, argv: list[str]) -> None:
        env = {**self.env, "PYTHONPATH": str(self.root)}
        subprocess.run(argv, env=env, capture_output=True, check=False)

    def as_postgres(self, argv: list[str]) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *argv], env=self.env, capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise Failure(f"{' '.join(argv)}: {done.stderr.strip()}")

    def stop_postgres(self) -> None:
        if (self.work / "pgdata/postmaster.pid").exists():
            self.quietly(["runuser", "-u", "postgres", "--", f"{PG_BIN[-1]}/pg_ctl", "-D",
                          str(self.work / "pgdata"), "-m", "fast", "stop"])  # fmt: skip

    def sql(self, query: str) -> str:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", "psql", "-At", "-d", "aisc", "-c", query],
            env=self.env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise Failure(f"psql: {done.stderr.strip()}")
        return done.stdout.strip()

    def show_logs(self) -> None:
        if self.booted:
            units = ("aisc-web", "aisc-worker", "nginx", "postgresql@*")
            argv = [f"--unit={unit}" for unit in units]
            subprocess.run(["journalctl", "--no-pager", "-n", "60", *argv], check=False)
            return
        for log in [*sorted(self.state.glob("*.log")), self.work / "nginx/error.log"]:
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-25:]
                print(f"--- {log.name} (last lines)\n" + "\n".join(tail), file=sys.stderr)


def fill(block: str, changes: list[tuple[str, str]]) -> str:
    """The block with each reader's value put in; each placeholder must be in it."""
    for old, new in changes:
        if old not in block:
            raise Failure(f"docs/deploy.md no longer has `{old}` where the rehearsal fills it in")
        block = block.replace(old, new)
    return block


def versions(host: Host) -> None:
    """A repository to clone: this checkout's HEAD tagged vOLD, and vNEW on top of it with one
    migration (a table) and a changed stylesheet, for sections 8 and 9."""
    source = host.work / "source"
    git = ["git", "-C", str(source), "-c", "user.name=rehearsal", "-c", "user.email=r@example.hk"]
    subprocess.run(["git", "clone", "-q", str(host.root), str(source)], check=True)
    subprocess.run([*git, "tag", "vOLD"], check=True)
    subprocess.run([*git, "checkout", "-q", "-b", "rehearsal-next"], check=True)
    folder = source / "aisc/web/notify/migrations"
    previous = sorted(p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    number = int(previous[:4]) + 1
    (folder / f"{number:04d}_rehearsal_upgrade.py").write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        f'    dependencies = [("notify", "{previous}")]\n'
        f'    operations = [migrations.RunSQL("CREATE TABLE {UPGRADE_TABLE} (id integer)",'
        f' "DROP TABLE {UPGRADE_TABLE}")]\n'
    )
    with (source / "aisc/web/static/aisc/site.css").open("a") as css:
        css.write("\n/* vNEW */\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "vNEW"], check=True)
    subprocess.run([*git, "tag", "vNEW"], check=True)
    subprocess.run([*git, "checkout", "-q", "-"], check=True)
    host.facts.update(app="notify", previous=previous, source=str(source))
    print(f"vOLD: this checkout's HEAD; vNEW: + notify {number:04d}_rehearsal_upgrade, site.css")


def install(host: Host, blocks: dict[int, list[str]], apt: bool) -> None:
    first, keys = blocks[1][0], blocks[1][1]
    apt_line = next(line for line in first.splitlines() if line.startswith("apt-get install"))
    if not apt:
        packages = apt_line.split("-y", 1)[1].split()
        first = first.replace(apt_line, f"dpkg-query -W {' '.join(packages)}  # {apt_line}")
    first = fill(first, [("<the aisc repository>", host.facts["source"])])
    host.sh(first, "section 1: packages, the aisc user, folders, clone, make install")
    host.sh(keys, "section 1: the keys")


def postgres(host: Host, blocks: dict[int, list[str]], doc: str) -> None:
    """A cluster with TLS on and only the documented pg_hba line, then section 2's block: under
    a booted systemd Debian's own (the prose's apt-get line), else a private one on a free port."""
    hba_line = re.search(r"`(hostssl aisc aisc \S+ scram-sha-256)`", doc)
    if hba_line is None:
        raise Failure("docs/deploy.md no longer has its pg_hba.conf line")
    hba = hba_line.group(1).replace("192.0.2.10/32", "127.0.0.1/32")
    same_host = re.search(r"`(apt-get install -y postgresql)`", doc)
    if host.booted:
        if same_host is None:
            raise Failure("docs/deploy.md no longer says how to install PostgreSQL on the host")
        host.sh(same_host.group(1), "section 2: PostgreSQL on this host")
        data = next(Path("/etc/postgresql").glob("*/main"))
        tls, conf = data / "tls", data / "conf.d/aisc.conf"
    else:
        data, tls, conf = (
            host.work / "pgdata",
            host.work / "pgtls",
            host.work / "pgdata/postgresql.conf",
        )
        for folder in (data, host.work / "pgsock"):
            folder.mkdir(mode=0o700)
            shutil.chown(folder, "postgres", "postgres")
        host.as_postgres([f"{PG_BIN[-1]}/initdb", "-D", str(data), "-U", "postgres", "-E",
                          "UTF8", "--locale=C.UTF-8"])  # fmt: skip
    tls.mkdir(mode=0o700)
    shutil.chown(tls, "postgres", "postgres")
    cert, key = self_signed(tls)
    for path in (cert, key):
        shutil.chown(path, "postgres", "postgres")
    key.chmod(0o600)
    # Only the documented line (and postgres over the socket, for section 2's commands).
    (data / "pg_hba.conf").write_text(f"local all postgres peer\n{hba}\n")
    settings = f"ssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n"
    if host.booted:
        # One address, as the private cluster: `localhost` is ::1 too, which the line omits.
        conf.write_text(f"listen_addresses = '127.0.0.1'\n{settings}")
        host.sh("systemctl restart postgresql", "PostgreSQL with TLS and the pg_hba line")
    else:
        sock = host.work / "pgsock"
        with conf.open("a") as out:
            out.write(f"port = {host.pg}\nlisten_addresses = '127.0.0.1'\n"
                      f"unix_socket_directories = '{sock}'\n{settings}")  # fmt: skip
        host.as_postgres([f"{PG_BIN[-1]}/pg_ctl", "-D", str(data), "-l",
                          str(data / "server.log"), "-w", "start"])  # fmt: skip
    pw = f"{host.password}\n{host.password}\n"
    host.sh(blocks[2][0], "section 2: role and database", stdin=pw)
    url = next(x for x in blocks[2][1].splitlines() if x.startswith("AISC_DATABASE_URL="))
    host.facts["database_url"] = fill(
        url.removeprefix("AISC_DATABASE_URL="),
        [("PASSWORD", host.password), ("db.example.hk", HOST), (":5432/", f":{host.pg}/")],
    )
    # The CA that signed the server's certificate (here the certificate itself).
    ca = Path("/etc/aisc/db-ca.pem")
    shutil.copy(cert, ca)
    ca.chmod(0o644)


def configure(host: Host, blocks: dict[int, list[str]]) -> None:
    env_file = Path("/etc/aisc/aisc.env")
    host.sh(blocks[3][0], "section 3: the environment file")
    values = {
        "AISC_PUBLIC_URL": f"https://{HOST}" + ("" if host.booted else f":{host.https}"),
        "AISC_DATABASE_URL": f"'{host.facts['database_url']}'",
        "AISC_EMAIL_URL": "smtp+tls://aisc%40example.hk:secret@localhost:587",
        "AISC_METRICS_TOKEN": host.password * 2,
        # No Slurm cluster on this host: the simulated one (docs/deploy.md, section 6).
        "AISC_CLUSTER": "embedded",
    }
    lines = env_file.read_text().splitlines()
    for key, value in values.items():
        at = [i for i, line in enumerate(lines) if line.startswith(f"{key}=")]
        if len(at) != 1:
            raise Failure(f"deploy/aisc.env.example has no one `{key}=` line to fill in")
        lines[at[0]] = f"{key}={value}"
    # Section 3: what the units set (listening on 127.0.0.1:8000) can be overridden here.
    if not host.booted:
        lines.append(f"AISC_PORT={host.web}")
    env_file.write_text("\n".join(lines) + "\n")
    run = blocks[3][1]
    host.facts["prelude"] = "\n".join(run.splitlines()[:2])
    answers = f"{ADMIN}\n{host.password}\n{host.password}\n"
    out = host.sh(run, "section 3: migrate, createadmin, check --deploy", stdin=answers)
    if "no issues" not in out:
        raise Failure("`aisc check --deploy` did not print `no issues`")


def units(host: Host, blocks: dict[int, list[str]]) -> None:
    block = fill(blocks[4][0], [("127.0.0.1:8000", f"127.0.0.1:{host.web}")])
    host.sh(block, "section 4: the units")
    for unit in ("aisc-web", "aisc-worker"):
        pid = main_pid(host, unit)
        uid = Path(f"/proc/{pid}/status").read_text().split("\nUid:")[1].split()[0]
        if int(uid) != int(subprocess.check_output(["id", "-u", "aisc"])):
            raise Failure(f"{unit} runs as uid {uid}, not as the aisc user")


def main_pid(host: Host, unit: str) -> int:
    if host.booted:
        return int(subprocess.check_output(["systemctl", "show", "-P", "MainPID", unit]))
    return int((host.state / f"{unit}.pid").read_text())


def nginx(host: Host, blocks: dict[int, list[str]]) -> None:
    lines = blocks[5][0].splitlines()
    edit = next(i for i, line in enumerate(lines) if line.startswith("# edit"))
    host.sh("\n".join(lines[:edit]), "section 5: the site file")
    ssl_dir = Path("/etc/ssl/aisc")
    ssl_dir.mkdir(mode=0o700)
    self_signed(ssl_dir)
    site = Path("/etc/nginx/sites-available/aisc")
    if host.booted:
        # Debian's nginx service and main configuration; the edit the comment asks for.
        site.write_text(fill(site.read_text(), [("aisc.example.hk;", f"{HOST};")]))
        host.sh("\n".join(lines[edit:]), "section 5: nginx -t and reload")
        return
    site.write_text(
        render_site(site.read_text(), http=host.http, https=host.https, upstream=host.web,
                    static=STATIC, cert=ssl_dir / "fullchain.pem", key=ssl_dir / "privkey.pem")
    )  # fmt: skip
    prefix = host.work / "nginx"
    prefix.mkdir()
    main = main_config(prefix, Path("/etc/nginx/sites-enabled/aisc"), user="www-data")
    (prefix / "nginx.conf").write_text(main)
    host.sh("\n".join(lines[edit:]), "section 5: nginx -t and reload")


def get(host: Host, path: str, tls: bool = True, **headers: str) -> tuple[int, Any, bytes]:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            HOST, host.https, context=context, timeout=60
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", host.web, timeout=60)
    deadline = time.monotonic() + 30  # nginx was just started: give it time to listen
    while True:
        try:
            conn.request("GET", path, headers={"Host": HOST, **headers})
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise Failure(f"nothing listens for {path}") from None
            time.sleep(0.5)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def served(host: Host, version: str) -> None:
    """/healthz and /readyz (straight and through nginx), the hashed stylesheet from nginx with a
    year's caching (read by its www-data workers), and the sign-in page over https."""
    # Just (re)started: the workers boot and the worker beats within seconds on a quiet host,
    # within minutes on a loaded one.
    deadline = time.monotonic() + 300
    status, body = 0, b""
    while status != 200:
        if time.monotonic() > deadline:
            raise Failure(f"/readyz stayed {status}: {body[:400]!r}")
        try:
            status, _, body = get(host, "/readyz", tls=False)
        except OSError:  # a timeout while the workers boot
            status = 0
        if status != 200:
            time.sleep(1)
    print(f"/readyz on 127.0.0.1:{host.web}: {json.loads(body)}")
    for path in ("/healthz", "/readyz"):
        status, _, body = get(host, path)
        if status != 200:
            raise Failure(f"{path} through nginx: {status} {body[:200]!r}")
    manifest = json.loads((STATIC / "staticfiles.json").read_text())
    css = manifest["paths"]["aisc/site.css"]
    status, headers, body = get(host, f"/static/{css}")
    caching = headers.get_all("Cache-Control") or []
    if status != 200 or "max-age=31536000" not in caching:
        raise Failure(f"/static/{css} through nginx: {status}, Cache-Control {caching}")
    if (b"/* vNEW */" in body) != (version == "vNEW"):
        raise Failure(f"/static/{css} is not {version}'s stylesheet")
    print(f"/static/{css}: 200 from nginx, {caching}")
    old = host.facts.setdefault(f"css-{version}", css)
    if old != css:
        raise Failure(f"{version}'s stylesheet was {old}, now {css}")
    for earlier in ("css-vOLD", "css-vNEW"):
        if earlier in host.facts and get(host, f"/static/{host.facts[earlier]}")[0] != 200:
            raise Failure(f"{host.facts[earlier]} is gone: open pages lose their stylesheet")
    status, headers, body = get(host, "/accounts/login/")
    if status != 200 or b'name="password"' not in body:
        raise Failure(f"the sign-in page over https: {status}")
    cookie = " ".join(headers.get_all("Set-Cookie") or [])
    if "Secure" not in cookie:
        raise Failure(f"the sign-in page's cookies are not Secure: {cookie}")
    table = host.sql(f"SELECT to_regclass('{UPGRADE_TABLE}')")
    if (table == UPGRADE_TABLE) != (version == "vNEW"):
        raise Failure(f"vNEW's table is {'missing' if table == '' else 'there'} on {version}")
    print(f"sign-in page over https: 200, Secure cookies; vNEW's table: {table or 'absent'}")


def upgrade(host: Host, blocks: dict[int, list[str]]) -> None:
    block = fill(blocks[8][0], [("vX.Y", "vNEW")])
    host.sh(f"{host.facts['prelude']}\n{block}", "section 8: upgrade to vNEW")


def rollback(host: Host, blocks: dict[int, list[str]]) -> None:
    block = fill(
        blocks[9][0],
        [("vX.Y", "vNEW"), ("APP PREVIOUS", f"{host.facts['app']} {host.facts['previous']}")],
    )
    out = host.sh(f"{host.facts['prelude']}\n{block}", "section 9: roll back to vOLD")
    if "rehearsal_upgrade.py" not in out:
        raise Failure("the rollback's `git diff --stat` did not list vNEW's migration")
