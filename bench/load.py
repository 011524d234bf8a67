"""A whole workshop with N phones on one `cocreate serve`, next to a bare Flask-SocketIO floor.

For each N, in one run and on the same machine:
1. the floor: bench/floor_server.py broadcasts a 2 KB message to N sockets, 20 times;
2. cocreate: a generated plan (tables of 10, at most 60, five rounds, a Schulze ranking vote)
   is imported and served by `cocreate serve`; N phones join over HTTP as the join form does,
   connect, and live through five rounds (a fifth of them write a note each round), the
   shortlist, a vote burst of N ballots within 10 s, and the close.

The phones are one Node process (bench/phones/phones.mjs, the browser's Socket.IO client 4.8)
that behaves like static/js/common.js, so "screen up to date" is when each phone's state shows
the change, the moment the participant waits for; "received" is when the message behind it
arrived. Percentiles are over every phone and every occurrence of the moment.

    make bench-deps && .venv/bin/python bench/load.py --phones 200 1000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PHONES = ROOT / "bench" / "phones" / "phones.mjs"
FLOOR_MOMENT = "broadcast: screen up to date"
# cocreate's moments compared with the floor's broadcast (the same kind of thing: one change,
# every phone shows it).
COMPARED = ("round starts: screen up to date", "round ends: screen up to date")


@dataclass
class Run:
    samples: dict[str, list[float]]
    counts: dict[str, int]
    peak_mb: float
    extra: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


class PeakMemory:
    """The largest proportional set size (PSS) of a process and its children (the planner),
    sampled at 20 Hz. Not the resident sets' sum: a child forked to start the planner shares
    every page of the server until it runs the planner, and adding both RSS counted the
    server twice whenever a sample fell in that moment."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                family = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_full_info().pss for p in family))
            except psutil.Error:
                pass

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def drive_phones(config: dict[str, object]) -> tuple[dict[str, list[float]], dict[str, int]]:
    done = subprocess.run(
        ["node", str(PHONES), json.dumps(config)], capture_output=True, text=True, timeout=900
    )
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"the phones printed nothing: {done.stderr[-2000:]}")
    report = json.loads(lines[-1])
    if "error" in report:
        raise RuntimeError(f"the phones stopped: {report['error']}")
    return report["samples"], report["counts"]


def floor(phones: int, payload: str = "") -> Run:
    """The bare broadcast; with payload "notes", of 5 KB like a table push (floor_server.py)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "floor_server.py"), str(port), payload],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        memory = PeakMemory(server.pid)
        config = {"mode": "floor", "base": f"http://127.0.0.1:{port}", "phones": phones}
        samples, counts = drive_phones(config | {"broadcasts": 20})
        return Run(samples, counts, memory.stop())
    finally:
        server.terminate()
        server.wait(timeout=10)


def conference_plan(phones: int) -> str:
    """A conference as the organiser would write it: tables of ten (at most the 60 tables a plan
    may have, so 1,000 phones sit 16-17 to a table), five rounds, long Danish names."""
    tables = min(60, max(4, math.ceil(phones / 10)))
    lines = [
        "[workshop]",
        'title = "Årskonference – tværfagligt samarbejde i Halsnæs Kommune"',
        'language = "da"',
        'home_tables = "balanced"',
    ]
    for t in range(1, tables + 1):
        lines += [
            "[[tables]]",
            f'name = "Bord {t} – Børn, unge og familier"',
            'topic = "Hvad fungerer i det tværfaglige samarbejde, og hvor skal vi ændre det?"',
        ]
    for r in range(1, 6):
        lines += [
            "[[rounds]]",
            f'title = "Runde {r}"',
            'prompt = "Skriv jeres input."',
            "minutes = 15",
        ]
    for key, label in (
        ("experiences", "Oplevelser"),
        ("ideas", "Idéer"),
        ("challenges", "Udfordringer"),
    ):
        lines += ["[[fields]]", f'key = "{key}"', f'label = "{label}"']
    lines += [
        "[vote]",
        "shortlist_size = 7",
        'method = "schulze"',
        'ballot = "ranking"',
        "min_ballots = 3",
        'challenge_field = "challenges"',
    ]
    return "\n".join(lines) + "\n"


def cocreate(phones: int, worker: str, drop: float = 0.0) -> Run:
    workdir = Path(tempfile.mkdtemp(prefix="cocreate-load-"))
    database = workdir / "load.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "COCREATE_SECRET_KEY": "bench",
        # Every simulated phone comes from 127.0.0.1.
        "COCREATE_JOIN_RATE_LIMIT": "100000 per minute",
        "COCREATE_LOOKUP_RATE_LIMIT": "100000 per minute",
    }
    plan = workdir / "conference.toml"
    plan.write_text(conference_plan(phones), encoding="utf-8")
    cli = [sys.executable, "-m", "cocreate.cli"]
    imported = subprocess.run(
        [*cli, "import", str(plan)], env=env, capture_output=True, text=True, check=True
    ).stdout
    code = re.search(r"Join code: (\S+)", imported)
    key = re.search(r"/facilitate/([^\s/]+)", imported)
    if code is None or key is None:
        raise RuntimeError(f"no join code or facilitator link in: {imported}")
    port = free_port()
    profiler = os.environ.get(
        "BENCH_PROFILE"
    )  # py-spy collapsed stacks of the server, to this file
    prefix = (
        ["py-spy", "record", "--format", "raw", "-r", "200", "-o", profiler, "--"]
        if profiler
        else []
    )
    server = subprocess.Popen(
        [*prefix, *cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--worker", worker],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        memory = PeakMemory(server.pid)
        config = {
            "mode": "workshop",
            "base": f"http://127.0.0.1:{port}",
            "code": code.group(1),
            "key": key.group(1),
            "phones": phones,
            "drop": drop,
        }
        samples, counts = drive_phones(config)
        peak = memory.stop()
    finally:
        # py-spy writes its profile when interrupted, as on Ctrl-C.
        server.send_signal(signal.SIGINT if profiler else signal.SIGTERM)
        server.wait(timeout=30)
    with sqlite3.connect(database) as db:
        counted = db.execute("SELECT count(*) FROM ballot").fetchone()[0]
        notes = db.execute("SELECT count(*) FROM note").fetchone()[0]
        twice = db.execute(
            "SELECT count(*) FROM"
            " (SELECT client_id FROM note GROUP BY client_id HAVING count(*) > 1)"
        ).fetchone()[0]
    extra = {"ballots counted": counted, "notes stored": notes, "notes stored twice": twice}
    return Run(samples, counts, peak, extra)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(
    phones: int, worker: str, bare: Run | None, run: Run, drop: float, notes: Run | None = None
) -> None:
    floor_p95 = percentile(bare.samples[FLOOR_MOMENT], 0.95) if bare else math.nan
    dropped = f", {drop:.0%} of connections reset each time" if drop else ""
    print(f"\n== {phones} phones, cocreate serve --worker {worker}{dropped}")
    print(f"{'moment':<50} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'p95/floor':>10}")
    runs = (
        (("floor", bare), ("floor 5 KB", notes), ("cocreate", run))
        if bare and notes
        else ((("floor", bare), ("cocreate", run)) if bare else (("cocreate", run),))
    )
    for label, source in runs:
        for kind in sorted(source.samples):
            values = source.samples[kind]
            ratio = percentile(values, 0.95) / floor_p95
            shown = f"{ratio:>9.2f}x" if kind in COMPARED or kind == FLOOR_MOMENT else ""
            print(
                f"{label + ' ' + kind:<50} {len(values):>6} {percentile(values, 0.5):>9.1f} "
                f"{percentile(values, 0.95):>9.1f} {percentile(values, 0.99):>9.1f} {shown:>10}"
            )
    counts = run.counts | run.extra
    acked = counts.get("ballots acked", 0)
    counted = counts.get("ballots counted", 0)
    print(
        f"ballots: acked {acked}, refused {counts.get('ballots refused', 0)}, counted {counted}, "
        f"lost {max(0, acked - counted)}, duplicated {max(0, counted - acked)}"
    )
    print(
        f"notes: acked {counts.get('notes acked', 0)}, stored {counts.get('notes stored', 0)}, "
        f"stored twice {counts.get('notes stored twice', 0)}"
    )
    print(
        f"final state, pushed vs pulled: {counts.get('phones matching the server', 0)} match, "
        f"{counts.get('phones not matching the server', 0)} differ"
    )
    missed = {k: v for k, v in sorted(counts.items()) if k.endswith("missed") and v}
    print(f"phones that missed a moment (20 s): {missed or 'none'}")
    others = (
        "pushes received",
        "pushes answered with a sync",
        "connections reset",
        "reconnects",
        "add_note resent",
        "cast_ballot resent",
        "connect errors",
    )
    print("; ".join(f"{k} {counts.get(k, 0)}" for k in others))
    floor_mb = bare.peak_mb if bare else math.nan
    print(
        f"peak memory: cocreate {run.peak_mb:.0f} MB (server + planner), floor {floor_mb:.0f} MB,"
        f" ratio {run.peak_mb / floor_mb:.2f}x",
        flush=True,
    )
    if notes is not None:
        same_bytes = percentile(notes.samples[FLOOR_MOMENT], 0.95)
        ratios = ", ".join(
            f"{kind.split(':')[0]} {percentile(run.samples[kind], 0.95) / same_bytes:.2f}x"
            for kind in COMPARED
        )
        print(f"p95 against the 5 KB floor ({same_bytes:.0f} ms): {ratios}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--worker", default="gevent", choices=["gevent", "eventlet"])
    parser.add_argument(
        "--drop",
        type=float,
        default=0.0,
        help="reset this fraction of the phones' connections in every round and twice in the vote",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (fault runs)")
    args = parser.parse_args()
    if not (ROOT / "bench" / "phones" / "node_modules").exists():
        sys.exit("run `make bench-deps` first (installs the phones' Socket.IO client with npm ci)")
    for phones in args.phones:
        bare = None if args.no_floor else floor(phones)
        notes = None if args.no_floor else floor(phones, "notes")
        run = cocreate(phones, args.worker, args.drop)
        report(phones, args.worker, bare, run, args.drop, notes)


if __name__ == "__main__":
    main()
