"""The Flask application factory."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from cocreate import csrf, i18n, live, migrations, security_headers
from cocreate.db import db
from cocreate.extensions import limiter, socketio
from cocreate.live import cluster
from cocreate.live.transport import TextPacket, use_lean_deflate

# Socket.IO payloads are small JSON objects; a cap keeps a misbehaving client from sending
# megabytes that would be parsed before any validation runs.
MAX_SOCKET_MESSAGE_BYTES = 64 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    instance = os.environ.get("COCREATE_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance) if instance else None,
    )
    # The instance folder holds the database and the secret that signs logins: the owner's only.
    private_folder(Path(app.instance_path))
    app.config.update(
        SECRET_KEY=os.environ.get("COCREATE_SECRET_KEY"),
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL"))
        or f"sqlite:///{Path(app.instance_path) / 'cocreate.sqlite3'}",
        # Several workers: Socket.IO's message queue (a redis:// URL) carries every push to
        # every worker, and the rate limits count in one shared store. Empty and memory://,
        # the defaults, are the single process (docs/deploy.md).
        MESSAGE_QUEUE=os.environ.get("COCREATE_MESSAGE_QUEUE", ""),
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis down: each worker counts on its own meanwhile, rather than refusing every join.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        # The address phones use to reach this server; `cocreate serve` sets it to the LAN
        # address (or --public-url). Empty means: the address the request came in on.
        PUBLIC_URL=os.environ.get("COCREATE_PUBLIC_URL", ""),
        # `cocreate serve` sets gevent or eventlet after monkey patching; anything else
        # (commands, tests) runs plain threads.
        ASYNC_MODE="threading",
        # Joins per minute from one address; phones on venue Wi-Fi each have their own.
        JOIN_RATE_LIMIT=os.environ.get("COCREATE_JOIN_RATE_LIMIT", "20 per minute"),
        # Unknown join codes looked up per minute from one address (known codes do not count,
        # so phones reloading never hit it): guessing codes takes years, not minutes.
        LOOKUP_RATE_LIMIT=os.environ.get("COCREATE_LOOKUP_RATE_LIMIT", "10 per minute"),
        # How many reverse proxies stand in front and add X-Forwarded-For (0: none, trust no
        # forwarded header). `cocreate serve --trusted-proxies N` sets it.
        TRUSTED_PROXIES=os.environ.get("COCREATE_TRUSTED_PROXIES", "0"),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app)
    sqlite_file = sqlite_path(str(app.config["SQLALCHEMY_DATABASE_URI"]), app.instance_path)
    if sqlite_file is not None:
        private_file(sqlite_file)

    proxies = trusted_proxies(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind that many reverse proxies: trust their forwarded address and scheme, so rate
        # limits count visitors (not the proxy) and cookies are marked Secure. Never implied
        # by an https public URL: without a proxy in front, X-Forwarded-For is whatever the
        # client writes, and a spoofed address would walk past every per-address limit.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    # Every statement keeps its row count: the services count rows of conditional writes
    # (INSERT ... SELECT ticks the voter roll only if eligible), and on PostgreSQL SQLAlchemy
    # otherwise reports -1 for an INSERT once psycopg's cursor is closed.
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    engine_options["execution_options"] = {
        "preserve_rowcount": True,
        **engine_options.get("execution_options", {}),
    }
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A server database restarted under us: test each pooled connection before use.
        engine_options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    db.init_app(app)
    migrations.init_app(app)
    i18n.init_app(app)
    security_headers.init_app(app)  # CSP, frame-ancestors, Referrer-Policy, nosniff, HSTS
    csrf.init_app(app)  # a token in every form that changes something (cocreate/csrf.py)
    # Login and join limits per address; storage from RATELIMIT_STORAGE_URI, set above.
    limiter.init_app(app)
    queue = str(app.config["MESSAGE_QUEUE"] or "")
    use_lean_deflate()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        **({"client_manager": cluster.client_manager(queue)} if queue else {}),
        max_http_buffer_size=MAX_SOCKET_MESSAGE_BYTES,
        serializer=TextPacket,
        # Phones on venue Wi-Fi drop often: notice quickly, reconnect on their own.
        ping_interval=10,
        ping_timeout=20,
    )

    from cocreate.export.views import bp as export_bp
    from cocreate.organiser import init_organiser
    from cocreate.voting.events import register_voting_events
    from cocreate.voting.views import bp as voting_bp
    from cocreate.workshop.events import register_workshop_events
    from cocreate.workshop.views import bp as workshop_bp

    app.register_blueprint(workshop_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(voting_bp)
    live.init_app(app)  # connect and sync, pushes, the planner process
    register_workshop_events(socketio)
    register_voting_events(socketio)
    init_organiser(app)  # accounts, login cookie, the /organiser pages

    if app.config.get("UPGRADE_DATABASE_ON_START", True):
        with app.app_context():
            migrations.upgrade_database()
    return app


def database_url(url: str | None) -> str | None:
    """DATABASE_URL with PostgreSQL's plain forms (``postgres://``, ``postgresql://``, which
    SQLAlchemy would open with psycopg2) sent to psycopg 3, the driver cocreate installs."""
    if not url:
        return url
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def trusted_proxies(value: object) -> int:
    """The configured number of trusted proxies, refusing anything but a whole number >= 0."""
    try:
        count = int(str(value).strip() or "0")
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(
            f"TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {value!r}"
        )
    return count


def _instance_secret(app: Flask) -> str:
    """A secret kept in the instance folder, so signed cookies survive a restart."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        private_file(path)  # created unreadable to others before the secret is written
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


# --- files only the owner may read --------------------------------------------------------------

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> None:
    """Create the folder readable by the owner only; an existing one open to others (from an
    older version) is closed."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _close_to_others(path)


def private_file(path: Path) -> None:
    """Create an empty file readable by the owner only (an empty file is a valid SQLite
    database, and SQLite gives its -wal and -shm files the database's mode); an existing one
    open to others is closed."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        _close_to_others(path)
    except FileNotFoundError:
        return  # its folder does not exist: the database driver will say so
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            _close_to_others(companion)


def _close_to_others(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        with contextlib.suppress(PermissionError):  # not ours to change: leave it as it is
            path.chmod(mode & 0o700)


def sqlite_path(uri: str, instance_path: str) -> Path | None:
    """The file of a SQLite database URL, or None (another database, or in memory).
    Flask-SQLAlchemy puts a relative path in the instance folder."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:") or url.query.get("uri"):
        return None  # SQLite's own URI form: its options are the user's business
    path = Path(url.database)
    return path if path.is_absolute() else Path(instance_path) / path


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the projector read while phones write; foreign keys keep cascades honest.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten, not left in free pages (erased names, old ballots).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
