"""cocreate: World Café co-creation workshops with an anonymous ranking vote.

The app factory is imported lazily so that ``cocreate serve`` can monkey-patch the standard
library for gevent or eventlet before Flask, SQLAlchemy or any socket code is imported.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from cocreate.app import create_app

        return create_app
    raise AttributeError(f"module 'cocreate' has no attribute {name!r}")
