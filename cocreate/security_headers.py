"""Security headers on every response: what a page may load, who may frame it, what leaks.

A few lines of our own rather than Flask-Talisman: the policy is short, it needs a nonce for
the one inline script (the phrase catalogue in base.html), and it must allow the Socket.IO
WebSocket on the page's own host."""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, current_app, request

_NONCE_KEY = "cocreate.csp_nonce"

# A Host header is the client's to choose; only a plain host[:port] goes into the policy.
_PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def csp_nonce() -> str:
    """This request's nonce for inline scripts, made on first use."""
    # Kept on the request (not on g, which an app context may share between requests).
    nonce: str = request.environ.setdefault(_NONCE_KEY, secrets.token_urlsafe(16))
    return nonce


def content_security_policy(nonce: str, host: str) -> str:
    # Styles may be inline: the downloadable report carries its own <style> (it must read
    # well when saved), and the result bars set a width. Scripts may not: only files from
    # this server and the nonced catalogue run.
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            # 'self' covers ws:/wss: in current browsers; older Safari needs them spelt out.
            f"connect-src 'self' ws://{host} wss://{host}" if host else "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    host = request.host if _PLAIN_HOST.fullmatch(request.host) else ""
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce(), host))
    headers.setdefault("X-Frame-Options", "DENY")
    # Facilitator and tablet keys travel in URLs: never send them on to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Browsers ignore HSTS sent over plain http, so the public URL alone may decide too.
    if request.is_secure or str(current_app.config.get("PUBLIC_URL", "")).startswith("https://"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
