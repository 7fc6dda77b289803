"""Top-level commands: serve, migrate, createadmin, worker."""

from __future__ import annotations

import typer

from aisc.cli import boot


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(migrate)
    app.command()(collectstatic)
    app.command()(check)
    app.command()(createadmin)


def serve(
    host: str = typer.Option("", help="Address to listen on [AISC_HOST, 127.0.0.1]."),
    # 0: the configured value; the bounds are those aisc.config gives AISC_PORT, AISC_WEB_WORKERS.
    port: int = typer.Option(0, min=0, max=65535, help="Port to listen on [AISC_PORT, 8000]."),
    workers: int = typer.Option(
        0, min=0, max=256, help="Worker processes, 1 to 256 [AISC_WEB_WORKERS, one per core]."
    ),
    dev: bool = typer.Option(
        False, "--dev", help="Django's development server: reloads on code changes, one process."
    ),
) -> None:
    """Serve the portal and API: granian with the collected static files, or --dev."""
    cfg = boot.config()
    host, port = host or cfg.bind_host, port or cfg.bind_port
    if dev:
        boot.django()
        from django.core.management import call_command

        typer.echo(f"aisc: development server on http://{host}:{port}/ (Ctrl-C to stop)")
        addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        call_command("runserver", addr, insecure_serving=True, skip_checks=True)
        return
    if not (cfg.static_root / "staticfiles.json").exists():
        boot.fail(
            f"AISC_STATIC_ROOT: no collected static files in {cfg.static_root}: "
            "run `aisc collectstatic` (make install does)"
        )
    from aisc.cli import production

    production.run(cfg, host, port, workers or cfg.web_workers)


def collectstatic() -> None:
    """Copy the static files into AISC_STATIC_ROOT with hashed names, compressed (install time)."""
    boot.django(database=False)
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": settings.MANIFEST_STORAGE}}
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    typer.echo(f"aisc: static files collected into {settings.STATIC_ROOT}")


def check(
    deploy: bool = typer.Option(
        False, "--deploy", help="Also the checks for a public host (security, database, mail)."
    ),
) -> None:
    """Check the configuration; exits 1 naming each problem, 0 when there is none."""
    boot.django(database=False)
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        # Warnings count: on a public host each of Django's security warnings is a hole.
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        report = str(exc).strip().removeprefix("SystemCheckError: ")
        typer.echo(report, err=True)
        if any(f"(security.{w})" in report for w in ("W004", "W008", "W012", "W016")):
            typer.echo(
                "aisc: AISC_PUBLIC_URL=https://HOST turns on HSTS, the https redirect and "
                "secure cookies (security.W004, W008, W012, W016)",
                err=True,
            )
        raise typer.Exit(1) from exc


def migrate() -> None:
    """Create or update the database schema."""
    boot.django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def createadmin(
    email: str = typer.Option(..., prompt=True),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create a platform administrator."""
    boot.django()
    from aisc.core.errors import AiscError
    from aisc.web.accounts.actions import do_create_user

    try:
        user = do_create_user(acting_user=None, email=email, password=password, roles=("admin",))
    except AiscError as exc:
        boot.fail(f"{exc.field}: {boot.say(exc)}" if exc.field else boot.say(exc))
        return
    typer.echo(f"created admin {user.email}")
