"""The floor for bench/load.py: a bare Flask-SocketIO server on gevent that broadcasts a 2 KB
message to every connected socket when its controller asks. Nothing cocreate does can reach
phones faster than this on the same machine.

    .venv/bin/python bench/floor_server.py PORT
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402

PAYLOAD = "x" * 2048


def main() -> None:
    app = Flask(__name__)
    sio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*")

    @sio.on("go")
    def go(message: dict[str, int]) -> dict[str, bool]:
        emit("broadcast", {"n": message["n"], "pad": PAYLOAD}, broadcast=True)
        return {"ok": True}

    sio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False)


if __name__ == "__main__":
    main()
