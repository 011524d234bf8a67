"""The async workers `cocreate serve` can run on. A module of its own, with no imports, so that
both the entry point (which must patch the standard library before importing anything else) and
the commands can name them without importing each other."""

from __future__ import annotations

WORKERS = ("gevent", "eventlet")
DEFAULT_WORKER = "gevent"
