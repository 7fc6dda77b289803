"""Issue 15's "no 500 from a fuzz run of 15 minutes": schemathesis over the whole OpenAPI document
against `aisc serve` (gunicorn) on a fresh database with the demo loaded, with the bearer token
of each of several roles in turn, for a given number of minutes.

    python benchmarks/api_fuzz.py [--minutes 15] [--seed N] [--database sqlite|postgresql]
    make fuzz MINUTES=15                                   # the same, at nice 10

The seed is random unless given and printed first: `--seed N` replays a run's generation (the
database starts the same; the server's answers may still differ where they depend on time).
The minutes are shared equally by the roles; each role's run has every phase schemathesis has
(the schema's examples, the coverage phase's edge cases, random fuzzing, and stateful sequences
that follow links it infers from the responses) and the five checks of the CI test
(tests/web/api/test_schema_fuzz.py): no server error, and every status, content type, header
and body as the document says. Prints one line per role and a summary; each failure's curl
line and response are in the role's log, kept in the work folder named at the start when a
role fails. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from web_load import AISC, ROOT, demo_env, machine_line, postgres, run, server

PORT = 18811
ROLES = {
    "applicant": "applicant@aisc.demo",
    "reviewer": "reviewer@aisc.demo",
    "secretariat": "secretariat@aisc.demo",
    "finance": "finance@aisc.demo",
    "auditor": "auditor@aisc.demo",
    "admin": "admin@aisc.demo",
}
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)
PREPARE = """
import json
from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import User
people = json.loads(PEOPLE)
print(json.dumps({
    role: do_create_api_token(
        acting_user=User.objects.get(email=email), name="fuzz", days=2
    ).secret
    for role, email in people.items()
}))
"""


def fuzz_role(
    url: str, role: str, secret: str, seed: int, seconds: int, work: Path
) -> dict[str, Any]:
    """One schemathesis run with one role's token; its counts from the JUnit report."""
    reports = work / f"report-{role}"
    log = work / f"fuzz-{role}.log"
    argv = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {secret}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--seed",
        str(seed),
        "--max-time",
        str(seconds),
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-dir",
        str(reports),
        "--output-sanitize",
        "true",
    ]
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(argv, cwd=work, stdout=out, stderr=subprocess.STDOUT)
    text = log.read_text(errors="replace")
    # The summary line: "Test cases: 1234 generated, 1230 passed, 4 failed".
    cases = re.search(r"Test cases:\s*(\d+) generated", text)
    failures = re.findall(r"^_+ (.+?) _+$", text, re.MULTILINE)
    return {
        "role": role,
        "exit": done.returncode,
        "seconds": round(time.monotonic() - started),
        "test_cases": int(cases.group(1)) if cases else None,
        "failed_operations": failures,
        "log": str(log),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--roles", default=",".join(ROLES), help="some of " + ",".join(ROLES))
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, data)")
    args = parser.parse_args()
    seed = secrets.randbelow(2**31) if args.seed is None else args.seed
    roles = [r for r in args.roles.split(",") if r]
    if unknown := set(roles) - set(ROLES):
        raise SystemExit(f"api_fuzz: unknown roles {sorted(unknown)}")
    work = Path(tempfile.mkdtemp(prefix="aisc-fuzz-"))
    print(
        f"api_fuzz: seed {seed}, {args.minutes:g} minutes, roles {','.join(roles)}, "
        f"{args.database}; work folder {work}",
        flush=True,
    )
    results = []
    context = postgres() if args.database == "postgresql" else nullcontext("")
    started = time.monotonic()
    with context as database:
        env = demo_env(work, database, AISC_EMAIL_URL=f"file://{work / 'mail'}")
        people = json.dumps({r: ROLES[r] for r in roles})
        script = f"import django\ndjango.setup()\nPEOPLE = {people!r}\n{PREPARE}"
        prepared = run(
            [sys.executable, "-c", script], {**env, "DJANGO_SETTINGS_MODULE": "aisc.web.settings"}
        )
        tokens = json.loads(prepared.strip().splitlines()[-1])
        served = {
            **env,
            "DJANGO_SETTINGS_MODULE": "fuzz_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), env.get("PYTHONPATH", "")]),
        }
        each = max(1, int(args.minutes * 60 / len(roles)))
        with server([*AISC, "serve", "--port", str(PORT)], served, PORT, work / "server.log") as (
            url,
            _pgid,
        ):
            fuzzing = time.monotonic()
            for role in roles:
                found = fuzz_role(url, role, tokens[role], seed, each, work)
                results.append(found)
                print(json.dumps(found), flush=True)
            fuzzed = time.monotonic() - fuzzing
    server_errors = (work / "server.log").read_text(errors="replace").count('"status": 500')
    failed = [r for r in results if r["exit"] != 0]
    print(
        json.dumps(
            {
                "when": machine_line(),
                "database": args.database,
                "seed": seed,
                "fuzzing_minutes": round(fuzzed / 60, 1),
                "total_minutes": round((time.monotonic() - started) / 60, 1),
                "test_cases": sum(r["test_cases"] or 0 for r in results),
                "roles_failed": [r["role"] for r in failed],
                "server_500_lines": server_errors,
            }
        )
    )
    if failed or args.keep:
        print(f"api_fuzz: the logs are kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
