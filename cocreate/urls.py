"""Where the site may send a visitor after an action: only back into itself."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(raw: str | None) -> str | None:
    """``raw`` when it is a path on this site, else None. Control characters are refused
    because browsers and Werkzeug drop them, turning "/\\t/evil.example" into "//evil.example"."""
    if not raw or not raw.startswith("/") or raw.startswith("//"):
        return None
    if not raw.isprintable() or "\\" in raw:
        return None
    parts = urlsplit(raw)
    return raw if not parts.scheme and not parts.netloc else None
