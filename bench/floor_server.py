"""The floor for bench/load.py: a bare Flask-SocketIO server on gevent that broadcasts a 2 KB
message to every connected socket when its controller asks. Nothing cocreate does can reach
phones faster than this on the same machine.

With ``notes`` it broadcasts instead about 5 KB of table notes, new words each time, the size
of one of cocreate's table pushes: 2 KB of one letter costs next to nothing to compress, send
and parse, so this second floor shows how much of cocreate's time is only its bytes.

    .venv/bin/python bench/floor_server.py PORT [notes]
"""

from gevent import monkey

monkey.patch_all()

import random  # noqa: E402
import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402

PAYLOAD = "x" * 2048
WORDS = [
    "vi",
    "mangler",
    "tid",
    "til",
    "det",
    "tværfaglige",
    "samarbejde",
    "mellem",
    "skole",
    "fritid",
    "og",
    "sundhed",
    "borgerne",
    "kommunen",
    "bænke",
    "ved",
    "søerne",
    "cykelstier",
    "trivsel",
    "i",
    "boligområdet",
    "færre",
    "udsættelser",
    "Nørrebro",
]


def notes_payload(rng: random.Random) -> dict[str, object]:
    """About 5 KB like a table push: 25 notes and 17 people's small parts, new words each time."""
    notes = [
        {
            "id": rng.randrange(10**5),
            "field": "ideas",
            "round": 2,
            "table_id": 7,
            "text": " ".join(rng.choice(WORDS) for _ in range(14)),
        }
        for _ in range(25)
    ]
    people = {
        str(rng.randrange(10**5)): {
            "role": "member",
            "role_label": "Deltager",
            "home": 7,
            "next": None,
            "mine": [],
            "waiting": False,
        }
        for _ in range(17)
    }
    return {"notes": notes, "people": people}


def main() -> None:
    app = Flask(__name__)
    sio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*")
    notes = len(sys.argv) > 2 and sys.argv[2] == "notes"
    rng = random.Random(1)

    @sio.on("go")
    def go(message: dict[str, int]) -> dict[str, bool]:
        body = notes_payload(rng) if notes else {"pad": PAYLOAD}
        emit("broadcast", {"n": message["n"], **body}, broadcast=True)
        return {"ok": True}

    sio.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_output=False)


if __name__ == "__main__":
    main()
