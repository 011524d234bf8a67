"""The ``cocreate`` command: serve, import, export.

``main`` monkey-patches the standard library for the chosen async worker before anything else
is imported: this is the one place where that happens.
"""

from __future__ import annotations

import sys

from cocreate.workers import DEFAULT_WORKER


def requested_worker(argv: list[str]) -> str | None:
    """The worker `serve` will run on, read from the raw arguments before click parses them."""
    if "serve" not in argv:
        return None
    for i, arg in enumerate(argv):
        if arg == "--worker" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--worker="):
            return arg.split("=", 1)[1]
    return DEFAULT_WORKER


def monkey_patch(worker: str | None) -> None:
    if worker == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif worker == "eventlet":
        import eventlet

        eventlet.monkey_patch()


def main() -> None:
    monkey_patch(requested_worker(sys.argv[1:]))
    from cocreate.commands import cli

    cli()


if __name__ == "__main__":
    main()
