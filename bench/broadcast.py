"""Broadcast latency and server memory with N phones connected, per async worker.

Starts a real `cocreate serve` on loopback for each worker, joins N participants over HTTP,
connects each over a websocket, then has the facilitator extend the round repeatedly: every
extension makes the server tell all N phones "changed". Latency is the time from the
facilitator's emit to each phone's receipt (one client process, one clock).

    .venv/bin/python bench/broadcast.py --clients 200 1000 --workers gevent eventlet

Needs aiohttp and psutil (bench only): `.venv/bin/pip install aiohttp psutil`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil
import socketio

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "sessions" / "halsnaes-aarskonference.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(worker: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "cocreate.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--worker",
        worker,
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("server did not start")


async def join_all(base: str, code: str, n: int) -> list[str]:
    tokens: list[str] = []
    limit = asyncio.Semaphore(50)
    async with aiohttp.ClientSession() as http:
        # The join form carries a CSRF token tied to the session cookie of the page it came
        # from: read both once (aiohttp keeps no cookies for 127.0.0.1) and send them along.
        async with http.get(f"{base}/j/{code}") as page:
            found = re.search(r'name="csrf_token" value="([^"]+)"', await page.text())
            assert found, "no form token on the join page"
            form_token, session_cookie = found.group(1), page.cookies["session"].value

        async def join(i: int) -> None:
            async with (
                limit,
                http.post(
                    f"{base}/j/{code}",
                    data={"name": f"Phone {i}", "csrf_token": form_token},
                    headers={"Cookie": f"session={session_cookie}"},
                    allow_redirects=False,
                ) as response,
            ):
                cookie = response.cookies[f"cocreate_{code}"].value
                tokens.append(cookie)

        await asyncio.gather(*(join(i) for i in range(n)))
    return tokens


async def measure(worker: str, n_clients: int, broadcasts: int) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="cocreate-bench-"))
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "COCREATE_SECRET_KEY": "bench",
        "COCREATE_JOIN_RATE_LIMIT": "100000 per minute",  # all bench phones share 127.0.0.1
    }
    imported = subprocess.run(
        [sys.executable, "-m", "cocreate.cli", "import", str(PLAN)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code = re.search(r"Join code: (\S+)", imported).group(1)
    key = re.search(r"/facilitate/(\S+)", imported).group(1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(worker, env, port)
    try:
        tokens = await join_all(base, code, n_clients)
        received: dict[int, list[float]] = {}
        phones = []
        expected_round = {"n": 0}

        def make_phone(i: int) -> socketio.AsyncClient:
            phone = socketio.AsyncClient(reconnection=False)

            @phone.on("changed")
            async def changed(_data: object = None) -> None:
                received.setdefault(expected_round["n"], []).append(time.perf_counter())

            phones.append(phone)
            return phone

        limit = asyncio.Semaphore(50)

        async def connect(i: int, token: str) -> None:
            phone = make_phone(i)
            async with limit:
                await phone.connect(
                    base,
                    headers={"Cookie": f"cocreate_{code}={token}"},
                    auth={"code": code},
                    transports=["websocket"],
                )

        await asyncio.gather(*(connect(i, t) for i, t in enumerate(tokens)))
        facilitator = socketio.AsyncClient(reconnection=False)
        await facilitator.connect(base, auth={"code": code, "key": key}, transports=["websocket"])
        await facilitator.call("start_round", {})
        await asyncio.sleep(1.0)
        rss_mb = psutil.Process(server.pid).memory_info().rss / 2**20

        latencies: list[float] = []
        complete = 0
        for b in range(1, broadcasts + 1):
            expected_round["n"] = b
            sent = time.perf_counter()
            await facilitator.emit("extend_round", {})
            until = time.monotonic() + 15
            while len(received.get(b, [])) < n_clients and time.monotonic() < until:
                await asyncio.sleep(0.005)
            arrivals = received.get(b, [])
            complete += len(arrivals) == n_clients
            latencies += [(t - sent) * 1000 for t in arrivals]
            await asyncio.sleep(0.2)
        latencies.sort()
        await asyncio.gather(*(p.disconnect() for p in phones), facilitator.disconnect())
        return {
            "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "max": latencies[-1],
            "rss": rss_mb,
            "complete": complete,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--workers", nargs="+", default=["gevent", "eventlet"])
    parser.add_argument("--broadcasts", type=int, default=20)
    args = parser.parse_args()
    print(
        f"{'worker':<9} {'phones':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'server MB':>10} {'all reached':>12}"
    )
    for n in args.clients:
        for worker in args.workers:
            r = asyncio.run(measure(worker, n, args.broadcasts))
            print(
                f"{worker:<9} {n:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f} "
                f"{r['rss']:>10.0f} {int(r['complete']):>7}/{args.broadcasts}",
                flush=True,
            )


if __name__ == "__main__":
    main()
