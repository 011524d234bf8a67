"""Command implementations behind ``cocreate`` (imported after monkey patching)."""

from __future__ import annotations

import contextlib
import secrets
import socket
import struct
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import make_url, select

from cocreate.app import create_app
from cocreate.db import db
from cocreate.errors import ActionRefused
from cocreate.export.formats import FORMATS, export_file
from cocreate.organiser import accounts
from cocreate.organiser.personal_data import expired_workshops, purge_expired
from cocreate.plans import DEFAULT_SAMPLE, PlanError, load_plan, sample_plans_dir
from cocreate.workers import DEFAULT_WORKER, WORKERS
from cocreate.workshop import services
from cocreate.workshop.models import Workshop

# The account `serve --sample` makes on a first run, so the organiser pages can be tried at once.
LOCAL_ORGANISER = "organiser@localhost"

# eventlet's WSGI server refuses connections past max_size (default 1,024): room for 1,500
# phones plus projectors.
EVENTLET_MAX_CONNECTIONS = 2000


@click.group()
def cli() -> None:
    """cocreate: World Café workshops with an anonymous ranking vote."""


@cli.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--worker", type=click.Choice(WORKERS), default=DEFAULT_WORKER, show_default=True)
@click.option("--public-url", default="", help="URL phones use, e.g. behind a reverse proxy.")
@click.option(
    "--trusted-proxies",
    type=click.IntRange(min=0),
    default=None,
    help="Number of reverse proxies in front that set X-Forwarded-For (default: "
    "$COCREATE_TRUSTED_PROXIES or 0, trust no forwarded header).",
)
@click.option(
    "--message-queue",
    default=None,
    metavar="URL",
    help="Redis URL shared by several workers behind a balancer, e.g. redis://127.0.0.1:6379/0 "
    "(default: $COCREATE_MESSAGE_QUEUE or none, one process; see docs/deploy.md).",
)
@click.option("--sample", is_flag=True, help="Load the sample workshop if there is none yet.")
def serve(
    host: str,
    port: int,
    worker: str,
    public_url: str,
    trusted_proxies: int | None,
    message_queue: str | None,
    sample: bool,
) -> None:
    """Start the real-time server. Prints the organiser page; with --sample on a first run,
    also the new sample workshop's links."""
    base_url = public_url.rstrip("/") or f"http://{_reachable_address(host)}:{port}"
    config: dict[str, object] = {"ASYNC_MODE": worker, "PUBLIC_URL": base_url, "PLANNER": "process"}
    if trusted_proxies is not None:
        config["TRUSTED_PROXIES"] = trusted_proxies
    if message_queue is not None:
        config["MESSAGE_QUEUE"] = message_queue
    try:
        app = create_app(config)
    except ValueError as error:  # a malformed setting: say which, without a traceback
        raise click.ClickException(str(error)) from None
    if base_url.startswith("https://") and not int(app.config["TRUSTED_PROXIES"]):
        click.echo(
            "Note: X-Forwarded-For is not trusted. Behind a reverse proxy, pass "
            "--trusted-proxies 1 so rate limits count visitors, not the proxy."
        )
    with app.app_context():
        if sample and db.session.scalar(select(Workshop.id).limit(1)) is None:
            # Made at this moment, so its link can be shown: keys are stored hashed, and
            # the workshops already in the database (anyone's) are never printed.
            workshop = _import_plan(sample_plans_dir() / DEFAULT_SAMPLE)
            _print_links(workshop, services.rotate_facilitator_key(workshop), base_url)
        if sample and accounts.organiser_count() == 0:
            _create_local_organiser(base_url)
        click.echo(
            f"\nOrganisers open their workshops (and the facilitator view) at {base_url}/organiser/"
        )
    others = [a for a in lan_addresses() if a not in base_url] if not public_url else []
    if host in ("0.0.0.0", "::") and others:
        click.echo(f"(This machine also answers on {', '.join(others)}.)")
    queue = app.config["MESSAGE_QUEUE"]
    shared = f", sharing pushes through {_without_password(queue)}" if queue else ""
    click.echo(f"Serving on {host}:{port} with the {worker} worker{shared}. Stop with Ctrl+C.")
    from cocreate.extensions import socketio

    options = {"max_size": EVENTLET_MAX_CONNECTIONS} if worker == "eventlet" else {}
    socketio.run(app, host=host, port=port, log_output=False, **options)


def _without_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: say only its scheme
        return url.split(":", 1)[0] + "://…"


@cli.command("import")
@click.argument("plan_file", type=click.Path(path_type=Path))
def import_plan(plan_file: Path) -> None:
    """Create a workshop from a plan file and print its join code and links."""
    app = create_app()
    with app.app_context():
        try:
            workshop = _import_plan(plan_file)
        except PlanError as error:
            raise click.ClickException(str(error)) from None
        key = services.rotate_facilitator_key(workshop)  # shown now only; stored hashed
        click.echo(f"Join code: {workshop.code}")
        click.echo(f"Facilitator path: {_facilitator_path(workshop, key)}")


@cli.command()
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--include-names",
    is_flag=True,
    help="JSON only: include participants' names, the only personal data (left out by default).",
)
def export(code: str, fmt: str, output: Path, include_names: bool) -> None:
    """Write a workshop's result (csv, xlsx, html report) or the whole workshop (json) to a file.

    Refused until the vote has closed, and while too few ballots keep results withheld.
    """
    if include_names and fmt != "json":
        raise click.UsageError("--include-names applies to --format json only.")
    app = create_app()
    with app.app_context():
        workshop = services.workshop_by_code(code)
        if workshop is None:
            raise click.ClickException(f"No workshop has the code {code}.")
        try:
            content = export_file(workshop, fmt, include_names=include_names)
        except ActionRefused as refused:
            raise click.ClickException(refused.message) from None
        output.write_bytes(content)
        click.echo(f"Wrote {output}")


@cli.command("add-organiser")
@click.argument("email")
@click.password_option(help="The password (asked for twice when left out).")
def add_organiser(email: str, password: str) -> None:
    """Create an organiser account, or set a new password for an existing one."""
    app = create_app()
    with app.app_context():
        try:
            organiser, is_new = accounts.save_organiser(email, password)
        except ActionRefused as refused:
            raise click.ClickException(refused.message) from None
        done = "Created the organiser" if is_new else "Set a new password for"
        click.echo(f"{done} {organiser.email}. Log in at /organiser/login.")


@cli.group("db")
def database() -> None:
    """The database: bring it up to date with `cocreate db upgrade`."""


@database.command("upgrade")
def database_upgrade() -> None:
    """Apply the migrations this version brings (safe to run at every start)."""
    from cocreate import migrations

    app = create_app({"UPGRADE_DATABASE_ON_START": False})
    with app.app_context():
        click.echo(migrations.upgrade_database())


@cli.command()
@click.option("--dry-run", is_flag=True, help="Only list the workshops that are due.")
def purge(dry_run: bool) -> None:
    """Erase participants' names from workshops past their retention time (run it daily)."""
    app = create_app()
    with app.app_context():
        if dry_run:
            due = expired_workshops()
            for workshop in due:
                click.echo(f"Due: {workshop.code}  {workshop.title}")
            click.echo(f"{len(due)} workshop(s) due for erasure.")
            return
        erased = purge_expired()
        for workshop in erased:
            click.echo(f"Erased names: {workshop.code}  {workshop.title}")
        click.echo(f"{len(erased)} workshop(s) made anonymous.")


def _create_local_organiser(base_url: str) -> None:
    password = secrets.token_urlsafe(12)
    accounts.save_organiser(LOCAL_ORGANISER, password)
    click.echo(
        f"\nOrganiser page: {base_url}/organiser/login\n"
        f"  Log in as {LOCAL_ORGANISER} with the password {password}\n"
        f"  (shown only now; set your own with `cocreate add-organiser YOUR-EMAIL`)."
    )


def _import_plan(path: Path) -> Workshop:
    plan = load_plan(path)
    return services.create_workshop(plan, path.read_text(encoding="utf-8"))


def _print_links(workshop: Workshop, key: str, base_url: str) -> None:
    click.echo(f"\n{workshop.title}")
    facilitator = base_url + _facilitator_path(workshop, key)
    join = base_url + _site_path("workshop.join", code=workshop.code)
    click.echo(f"  Facilitator (keep secret): {facilitator}")
    click.echo(f"  Participants join:         {join}   (code {workshop.code})")


def _facilitator_path(workshop: Workshop, key: str) -> str:
    return _site_path("workshop.facilitate", code=workshop.code, key=key)


def _site_path(endpoint: str, **values: str) -> str:
    """A path on this site from the URL map: commands run outside any request, where
    ``url_for`` needs a SERVER_NAME (the same way as ``live.facilitator.join_url``)."""
    return current_app.url_map.bind("").build(endpoint, values)


def _reachable_address(host: str) -> str:
    """The address phones on the venue network can reach this machine on."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    addresses = lan_addresses()
    return addresses[0] if addresses else "127.0.0.1"


# Virtual interfaces (containers, VMs) are not where the venue's phones are.
_VIRTUAL_INTERFACES = ("lo", "docker", "br-", "veth", "virbr", "vmnet", "tun", "tap")


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, read locally (no traffic sent)."""
    try:
        import fcntl
    except ImportError:  # not Linux/Unix: fall back to what the host name resolves to
        with contextlib.suppress(OSError):
            found = socket.gethostbyname_ex(socket.gethostname())[2]
            return [a for a in found if not a.startswith("127.")]
        return []
    siocgifaddr = 0x8915
    addresses = []
    for _index, name in socket.if_nameindex():
        if name.startswith(_VIRTUAL_INTERFACES):
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                packed = fcntl.ioctl(
                    probe.fileno(), siocgifaddr, struct.pack("256s", name[:15].encode())
                )
            except OSError:  # interface without an IPv4 address
                continue
        address = socket.inet_ntoa(packed[20:24])
        if not address.startswith("127."):
            addresses.append(address)
    return addresses
