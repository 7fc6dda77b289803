"""Top-level commands: serve, migrate, createadmin, worker."""

from __future__ import annotations

import typer

from aisc.cli import boot


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(migrate)
    app.command()(createadmin)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, envvar="PORT", help="Port to listen on."),
) -> None:
    """Serve the portal and API (a threaded WSGI server from the standard library)."""
    boot.django()
    boot.check_database()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import WSGIServer, run

    from aisc.web.wsgi import application

    typer.echo(f"aisc: serving on http://{host}:{port}/ (Ctrl-C to stop)")
    run(host, port, StaticFilesHandler(application), threading=True, server_cls=WSGIServer)


def migrate() -> None:
    """Create or update the database schema."""
    boot.django()
    boot.check_database()
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
        boot.fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)
        return
    typer.echo(f"created admin {user.email}")
