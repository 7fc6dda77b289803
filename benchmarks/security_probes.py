"""Issue 15's acceptance: its attacker's probes, rerun from outside over HTTP against `aisc serve`
(granian) on a fresh database with the demo loaded, and the audit tampers against that database.

    python benchmarks/security_probes.py [--database sqlite|postgresql]

PostgreSQL: scripts/pg-test-server (AISC_PG_PORT, AISC_PG_DIR), as benchmarks/web_load.py uses it.
Prints one table: probe, expected, observed, pass/fail; exits 1 when a probe fails. About five
minutes on 2 busy cores, most of it loading the demo. The brute-force probes come last: they
lock the loopback address out of logging in for 15 minutes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import httpx
import psycopg
from web_load import AISC, ROOT, demo_env, group_rss, machine_line, postgres, run, server

PORT = 18801
MB = 1 << 20
PREPARE = """
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import User
from aisc.web.billing.models import Statement
from aisc.web.catalogue.models import ChipModel
from aisc.web.grants.models import Application

def session(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        s["otp_device_id"] = device.persistent_id
    s.create()
    return s.session_key

admin = User.objects.get(email="admin@aisc.demo")
applicant = User.objects.get(email="applicant@aisc.demo")
org = applicant.memberships.first().organisation
statement = Statement.objects.filter(organisation=org).order_by("-period__month").first()
print(json.dumps({
    "admin_token": do_create_api_token(acting_user=admin, name="probe", days=2).secret,
    "applicant_token": do_create_api_token(acting_user=applicant, name="probe", days=2).secret,
    "applicant_session": session(applicant),
    "finance_session": session(User.objects.get(email="finance@aisc.demo")),
    "org": org.pk,
    "application": Application.objects.filter(organisation=org).order_by("id").first().pk,
    "statement": statement.pk,
    "month": statement.period.month,
    "chip": ChipModel.objects.order_by("pk").first().pk,
}))
"""
TAMPER = """
import sys
from django.db import connection, transaction
from aisc.web.audit import chain
from aisc.web.audit.models import AuditEvent
from tests.append_only import lifted

kind = sys.argv[1]
try:
    with transaction.atomic(), connection.cursor() as cursor:
        if kind == "delete":
            newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:3])
            ids = ",".join(map(str, newest))
            cursor.execute(f"DELETE FROM audit_auditevent WHERE id IN ({ids})")
        else:
            first = AuditEvent.objects.order_by("id").values_list("id", flat=True)[0]
            cursor.execute(f"UPDATE audit_auditevent SET verb = 'x' WHERE id = {first}")
    print("SQL accepted", end="")
except Exception as error:
    print(f"SQL refused ({type(error).__name__})", end="")
with transaction.atomic(), lifted():
    rows = list(AuditEvent.objects.order_by("id"))
    if kind == "delete":
        AuditEvent.objects.filter(pk__in=[r.pk for r in rows[-3:]]).delete()
    elif kind == "forge":
        prev = rows[-6].prev_hash
        rows[-6].after = {"forged": True}
        for row in rows[-6:]:
            row.prev_hash = prev
            row.hash = prev = chain.row_hash(prev, row.chained_fields())
            AuditEvent.objects.filter(pk=row.pk).update(
                after=row.after, prev_hash=row.prev_hash, hash=row.hash
            )
if kind == "append":
    last = AuditEvent.objects.order_by("-id").first()
    fake = AuditEvent(actor_label="admin@aisc.demo", verb="grants.award.approve", object_type="x",
                      object_id="1", after={"fabricated": True}, prev_hash=last.hash)
    fake.hash = chain.row_hash(last.hash, fake.chained_fields())
    AuditEvent.objects.bulk_create([fake])
"""


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool, str]] = []

    def add(self, probe: str, expected: str, observed: str, ok: bool, note: str = "") -> None:
        self.rows.append((probe, expected, observed, ok, note))
        print(f"  {'pass' if ok else 'FAIL'}  {probe}: {observed}", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        lines = ["| probe | expected | observed | result | focused test |", "|---|---|---|---|---|"]
        for probe, expected, observed, ok, note in self.rows:
            lines.append(
                f"| {probe} | {expected} | {observed} | {'pass' if ok else 'FAIL'} | {note} |"
            )
        return "\n".join(lines)


def group_rss_bytes(pgid: int) -> int:
    """Resident memory of the live processes of the server's process group (granian, its
    workers and their children)."""
    return sum(group_rss(pgid).values())


@contextmanager
def peak_rss(pgid: int) -> Iterator[list[int]]:
    """Yields [baseline, peak] in bytes, the peak sampled every 50 ms until the block ends."""
    found = [group_rss_bytes(pgid), 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            found[1] = max(found[1], group_rss_bytes(pgid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield found
    finally:
        done.set()
        sampler.join()


def csrf(client: httpx.Client, path: str) -> dict[str, str]:
    page = client.get(path)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return {"csrfmiddlewaretoken": match.group(1) if match else ""}


def is_json_error(response: httpx.Response) -> bool:
    try:
        return "error" in response.json()
    except ValueError:
        return False


def formula_cells(text: str) -> list[str]:
    number = re.compile(r"-?\d+(\.\d+)?")
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell[:1] in ("=", "+", "@", "\t", "\r")
        or (cell[:1] == "-" and not number.fullmatch(cell))
    ]


def probe_input(url: str, f: dict[str, Any], table: Table) -> None:
    admin = {"Authorization": f"Bearer {f['admin_token']}"}
    applicant = {"Authorization": f"Bearer {f['applicant_token']}"}
    portal = {"Cookie": f"sessionid={f['applicant_session']}"}
    with httpx.Client(base_url=url, timeout=60) as c:
        body = {"chip": f["chip"], "valid_from": "2026-12-01", "factor": "1e20"}
        r = c.post("/api/v1/catalogue/exchange-rates", json=body, headers=admin)
        table.add(
            "exchange rate 1e20 (API)",
            "422 JSON error",
            f"{r.status_code} {r.text[:70]}",
            r.status_code == 422 and is_json_error(r),
            "tests/web/portal/test_bounds.py",
        )
        pages = [
            c.get("/api/v1/catalogue/prices").status_code,
            c.get("/catalogue/", headers=portal).status_code,
            c.post(
                "/api/v1/catalogue/exchange",
                json={"gpu_hours": "10", "from_chip": f["chip"], "to_chip": f["chip"]},
            ).status_code,
        ]
        table.add(
            "prices API, catalogue page, exchange API after it",
            "no 500",
            str(pages),
            500 not in pages,
        )
        r = c.get("/api/v1/grants/applications?page=99999999999999999999", headers=admin)
        table.add(
            "?page=99999999999999999999",
            "JSON 4xx",
            f"{r.status_code} {r.text[:60]}",
            400 <= r.status_code < 500 and is_json_error(r),
            "tests/web/api/test_bad_input.py",
        )
        seen = []
        for path, field in [
            (f"/api/v1/organisations/{f['org']}", "name_en"),
            (f"/api/v1/grants/applications/{f['application']}", "title"),
        ]:
            r = c.patch(path, json={field: None}, headers=applicant)
            seen.append(f"{r.status_code}{' JSON' if is_json_error(r) else ''}")
        table.add(
            "null in a PATCH (organisation, application)",
            "4xx JSON or 200, never 500",
            ", ".join(seen),
            not any(s.startswith("5") for s in seen),
            "tests/web/api/test_bad_input.py",
        )


def probe_formulas(url: str, f: dict[str, Any], table: Table) -> None:
    evil = '=HYPERLINK("http://evil.example/","x")'
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.patch(
            f"/api/v1/organisations/{f['org']}",
            json={"name_en": evil},
            headers={"Authorization": f"Bearer {f['applicant_token']}"},
        )
        table.add(
            "organisation named '=HYPERLINK(...)'", "accepted or refused", str(r.status_code), True
        )
        applicant = {"Cookie": f"sessionid={f['applicant_session']}"}
        finance = {"Cookie": f"sessionid={f['finance_session']}"}
        for name, path, headers in [
            ("/grantees.csv", "/grantees.csv", {}),
            ("statement CSV", f"/billing/statements/{f['statement']}.csv", applicant),
            ("finance export CSV", f"/billing/periods/{f['month']}/export.csv", finance),
        ]:
            r = c.get(path, headers=headers)
            bad = formula_cells(r.text) if r.status_code == 200 else []
            shown = sum(evil in cell for row in csv.reader(io.StringIO(r.text)) for cell in row)
            table.add(
                f"formula cells in {name}",
                "200, none",
                f"{r.status_code}, {len(bad)} ({shown} escaped name cells)",
                r.status_code == 200 and not bad,
                "tests/web/billing/test_csv_injection.py",
            )


def stream(c: httpx.Client, path: str, sized: bool) -> str:
    def body() -> Iterator[bytes]:
        chunk = b"x" * MB
        for _ in range(300):
            yield chunk

    headers = {"Content-Type": "application/octet-stream"}
    if sized:
        headers["Content-Length"] = str(300 * MB)
    try:
        return str(c.post(path, content=body(), headers=headers).status_code)
    except httpx.HTTPError as error:
        return type(error).__name__


def probe_memory(url: str, pgid: int, f: dict[str, Any], table: Table) -> None:
    upload = f"/grants/applications/{f['application']}/upload"
    with httpx.Client(base_url=url, timeout=120) as c, ThreadPoolExecutor(3) as pool:
        with peak_rss(pgid) as rss:
            jobs = [(upload, True), ("/accounts/login/", True), (upload, False)]
            answers = list(pool.map(lambda j: stream(c, *j), jobs))
        table.add(
            "3 unauthenticated 300 MB uploads (upload, login; 3rd chunked)",
            "refused; server RSS < 1 GB",
            f"{answers}; RSS {rss[0] // MB} -> peak {rss[1] // MB} MB",
            rss[1] < 1024 * MB,
            "tests/web/api/test_json_errors.py (413)",
        )
    headers = {"Cookie": f"sessionid={f['applicant_session']}"}
    with httpx.Client(base_url=url, timeout=300) as c, ThreadPoolExecutor(40) as pool:
        with peak_rss(pgid) as rss:
            path = f"/billing/statements/{f['statement']}.pdf"
            codes = list(pool.map(lambda _: c.get(path, headers=headers).status_code, range(40)))
        counts = {code: codes.count(code) for code in sorted(set(codes))}
        table.add(
            "40 concurrent statement PDFs, one applicant",
            "200/503 only; RSS < 1 GB",
            f"{counts}; RSS {rss[0] // MB} -> peak {rss[1] // MB} MB",
            set(codes) <= {200, 503} and rss[1] < 1024 * MB,
            "tests/web/billing/test_statement_pdf_bounds.py",
        )


def mails_to(mail_dir: Path, address: str) -> list[str]:
    found: list[str] = []
    for path in mail_dir.glob("*"):
        for message in path.read_text(errors="replace").split("-" * 79):
            if re.search(rf"^To: {re.escape(address)}$", message, re.MULTILINE):
                found.append(message)
    return found


def probe_tokens(url: str, f: dict[str, Any], mail_dir: Path, table: Table) -> None:
    bearer = {"Authorization": f"Bearer {f['applicant_token']}"}
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post("/api/v1/me/tokens", json={"name": "minted", "days": 366}, headers=bearer)
        table.add(
            "a token mints a 366-day token",
            "4xx JSON",
            f"{r.status_code} {r.text[:60]}",
            400 <= r.status_code < 500,
            "tests/web/accounts/test_token_lifecycle.py",
        )
        form = {**csrf(c, "/accounts/password-reset/"), "email": "applicant@aisc.demo"}
        c.post("/accounts/password-reset/", data=form)
        links = re.findall(
            r"/accounts/reset/[^/\s]+/[^/\s]+/", "".join(mails_to(mail_dir, "applicant@aisc.demo"))
        )
        step = c.get(links[-1], follow_redirects=True) if links else None
        new = "A-new-passphrase-2026!"
        data = {"new_password1": new, "new_password2": new}
        if step is not None:
            data.update(csrf(c, str(step.url.path)))
            step = c.post(str(step.url.path), data=data)
        reset = step is not None and step.status_code == 302
        before = c.get("/api/v1/me", headers=bearer).status_code
        table.add(
            "token after a password reset (mail link followed)",
            "401",
            f"reset {'done' if reset else 'FAILED'}, token {before}",
            reset and before == 401,
            "tests/web/accounts/test_token_lifecycle.py",
        )


def probe_brute_force(url: str, mail_dir: Path, table: Table) -> None:
    with httpx.Client(base_url=url, timeout=60) as c:
        codes: dict[int, int] = {}
        for _ in range(200):
            form = {
                **csrf(c, "/accounts/login/"),
                "username": "startup@aisc.demo",
                "password": "wrong-guess-0000",
            }
            code = c.post("/accounts/login/", data=form).status_code
            codes[code] = codes.get(code, 0) + 1
        form = {
            **csrf(c, "/accounts/login/"),
            "username": "startup@aisc.demo",
            "password": "demo-pass-2026",
        }
        right = c.post("/accounts/login/", data=form)
        table.add(
            "200 wrong passwords, then the right one",
            "right one refused",
            f"wrong: {codes}; right: {right.status_code}",
            right.status_code != 302,
            "tests/web/accounts/test_throttling.py",
        )
    with httpx.Client(base_url=url, timeout=60) as c:
        codes = {}
        token = csrf(c, "/accounts/password-reset/")
        started = time.monotonic()
        for i in range(40):
            time.sleep(max(0.0, started + i / 20 - time.monotonic()))
            code = c.post(
                "/accounts/password-reset/", data={**token, "email": "bank@aisc.demo"}
            ).status_code
            codes[code] = codes.get(code, 0) + 1
        sent = len(mails_to(mail_dir, "bank@aisc.demo"))
        table.add(
            "40 reset mails for one victim at 20/s",
            "429s; at most 3 mails",
            f"{codes}; {sent} mails",
            sent <= 3 and 429 in codes,
            "tests/web/accounts/test_throttling.py",
        )


def audit_verify(env: dict[str, str], anchor: Path) -> str:
    done = subprocess.run(
        [*AISC, "audit", "verify", "--anchor", str(anchor)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return f"exit {done.returncode}: {(done.stdout + done.stderr).strip().splitlines()[-1][:80]}"


def probe_audit(env: dict[str, str], copy: Callable[[str], dict[str, str]], table: Table) -> None:
    anchor = Path(env["AISC_DATA_DIR"]) / "anchor.json"
    run([*AISC, "audit", "anchor", "--out", str(anchor)], env)
    untouched = audit_verify(env, anchor)
    table.add("verify --anchor, untouched", "exit 0", untouched, untouched.startswith("exit 0"))
    script = f"import sys, django\nsys.path.insert(0, {str(ROOT)!r})\ndjango.setup()\n{TAMPER}"
    for kind, what in [
        ("delete", "delete the 3 newest rows"),
        ("forge", "forge a row, rehash later rows"),
        ("append", "append a fabricated row"),
    ]:
        tampered = copy(kind)
        sql = run(
            [sys.executable, "-c", script, kind],
            {**tampered, "DJANGO_SETTINGS_MODULE": "aisc.web.settings"},
        )
        found = audit_verify(tampered, anchor)
        expected = "SQL refused; exit 1" if kind != "append" else "exit 1"
        ok = found.startswith("exit 1") and (kind == "append" or "refused" in sql)
        table.add(
            f"audit tamper: {what}",
            expected,
            f"{sql if kind != 'append' else ''}; {found}",
            ok,
            "tests/web/audit/test_anchor.py",
        )


def probe_everything(kind_of_database: str, work: Path, table: Table) -> None:
    """Every probe into the table: a fresh database with the demo, the server, then the audit."""
    # SQLite: the data directory's file.
    context = postgres() if kind_of_database == "postgresql" else nullcontext("")
    with context as database:
        env = demo_env(work, database, AISC_EMAIL_URL=f"file://{work / 'mail'}")
        script = f"import django\ndjango.setup()\n{PREPARE}"
        prepared = run(
            [sys.executable, "-c", script], {**env, "DJANGO_SETTINGS_MODULE": "aisc.web.settings"}
        )
        facts = json.loads(prepared.strip().splitlines()[-1])
        with server([*AISC, "serve", "--port", str(PORT)], env, PORT, work / "server.log") as (
            url,
            pgid,
        ):
            probe_input(url, facts, table)
            probe_formulas(url, facts, table)
            probe_memory(url, pgid, facts, table)
            probe_tokens(url, facts, work / "mail", table)
            probe_brute_force(url, work / "mail", table)

        def copy(kind: str) -> dict[str, str]:
            if not database:
                data = work / f"data-{kind}"
                shutil.copytree(work / "data", data)
                return {**env, "AISC_DATA_DIR": str(data)}
            base, name = database.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}_{kind} TEMPLATE {name}")
            return {**env, "AISC_DATABASE_URL": f"{database}_{kind}"}

        try:
            probe_audit(env, copy, table)
        finally:
            if database:
                base, name = database.rsplit("/", 1)
                with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                    for kind in ("delete", "forge", "append"):
                        admin.execute(f"DROP DATABASE IF EXISTS {name}_{kind} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aisc-probes-"))
    table = Table()
    try:
        probe_everything(args.database, work, table)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{machine_line(args.database)}\n")
    print(table.markdown())
    sys.exit(0 if all(ok for *_, ok, _ in table.rows) else 1)


if __name__ == "__main__":
    main()
