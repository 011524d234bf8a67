"""The cluster on one machine, on loopback: Redis, a throwaway PostgreSQL, two `cocreate serve`
workers sharing them, and HAProxy (deploy/haproxy.cfg) in front. `make run-cluster` runs it
until Ctrl+C; tests/cluster starts it as a fixture.

Everything listens on 127.0.0.1 and lives in one temporary folder; `stop()` ends every
process it started, by its process group, and removes the PostgreSQL data.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
HAPROXY_CONFIG = REPO_ROOT / "deploy" / "haproxy.cfg"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
BINARIES = ("redis-server", "haproxy")


class ClusterUnavailable(RuntimeError):
    """A binary the cluster needs is missing (`make cluster-deps` installs them)."""


def binary(name: str) -> str | None:
    """A program's path; Debian keeps haproxy in /usr/sbin, which a user's PATH may lack."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bindir() -> Path:
    """Debian's PostgreSQL binaries (the newest installed version)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("postgres") or shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise ClusterUnavailable("PostgreSQL is not installed (make cluster-deps installs it)")


def missing_binaries() -> list[str]:
    missing = [name for name in BINARIES if binary(name) is None]
    try:
        postgres_bindir()
    except ClusterUnavailable:
        missing.append("postgresql")
    return missing


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path | None

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class LocalCluster:
    """Redis, PostgreSQL, `workers` cocreate processes and HAProxy, on free loopback ports
    unless given. `echo_first_worker` lets the first worker print to this terminal (its
    links); otherwise every process logs to a file in `workdir`."""

    workdir: Path
    workers: int = 2
    balancer_port: int = field(default_factory=free_port)
    worker_ports: list[int] = field(default_factory=list)
    redis_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    worker: str = "gevent"
    sample: bool = False
    echo_first_worker: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    pgdata: Path | None = None

    def __post_init__(self) -> None:
        while len(self.worker_ports) < self.workers:
            self.worker_ports.append(free_port())
        self.instance = self.workdir / "instance"

    # --- addresses ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def worker_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.worker_ports[index]}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://cocreate@127.0.0.1:{self.postgres_port}/cocreate"

    @property
    def admin_dsn(self) -> str:
        """PostgreSQL's own database, for creating others."""
        return f"host=127.0.0.1 port={self.postgres_port} user=cocreate dbname=postgres"

    @property
    def env(self) -> dict[str, str]:
        return (
            dict(os.environ)
            | {
                "DATABASE_URL": self.database_url,
                "COCREATE_MESSAGE_QUEUE": self.redis_url,
                "RATELIMIT_STORAGE_URI": self.redis_url,
                # One instance folder: every worker signs cookies with the same secret.
                "COCREATE_INSTANCE_PATH": str(self.instance),
                "PYTHONUNBUFFERED": "1",
            }
            | self.extra_env
        )

    # --- starting and stopping ---------------------------------------------------------

    def start(self) -> None:
        missing = missing_binaries()
        if missing:
            raise ClusterUnavailable(
                f"missing {', '.join(missing)} (make cluster-deps installs them)"
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_redis()
            self.start_postgres()
            self.cli("db", "upgrade")
            for index in range(self.workers):
                self.start_worker(index)
            self._start_haproxy()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every process started here (the balancer first), then remove PostgreSQL's data."""
        for name in reversed(list(self.processes)):
            self.stop_process(name)
        if self.pgdata is not None:
            shutil.rmtree(self.pgdata, ignore_errors=True)
            self.pgdata = None

    def stop_process(self, name: str, sig: signal.Signals = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)
        try:
            process.popen.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(timeout=STOP_TIMEOUT_S)

    def kill_worker(self, index: int) -> None:
        """A crash: the worker's process is killed (SIGKILL), nothing is cleaned up."""
        self.stop_process(f"worker{index + 1}", signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{process.log()[-4000:]}" for name, process in self.processes.items()
        )

    def cli(self, *arguments: str) -> str:
        """A `cocreate` command on the cluster's database; returns what it printed."""
        completed = subprocess.run(
            [sys.executable, "-m", "cocreate.cli", *arguments],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"cocreate {' '.join(arguments)} failed:\n{completed.stderr}")
        return completed.stdout

    def _spawn(
        self,
        name: str,
        command: list[str],
        *,
        env: dict[str, str] | None = None,
        user: str | None = None,
        echo: bool = False,
    ) -> Process:
        log_path = None if echo else self.workdir / f"{name}.log"
        output: IO[bytes] | None = None if log_path is None else log_path.open("ab")
        try:
            popen = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env or self.env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                user=user,
                start_new_session=True,  # its own process group, stopped whole
            )
        finally:
            if output is not None:
                output.close()
        process = Process(name, popen, log_path)
        self.processes[name] = process
        return process

    def _wait_for(self, process: Process, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{what} exited at start:\n{process.log()}")
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{what} did not start within {START_TIMEOUT_S:.0f} s:\n{process.log()}")

    def _start_redis(self) -> None:
        import redis

        process = self._spawn(
            "redis",
            [
                str(binary("redis-server")),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        client = redis.Redis.from_url(self.redis_url, socket_timeout=1)
        self._wait_for(process, lambda: bool(client.ping()), "Redis")

    def start_postgres(self) -> None:
        """PostgreSQL alone, with an empty database `cocreate` (tests of the database start
        only this; `stop()` ends it)."""
        import psycopg

        bindir = postgres_bindir()
        # PostgreSQL refuses to run as root: then it runs as Debian's `postgres` user, in a
        # folder of its own (the work folder is root's).
        user = "postgres" if os.geteuid() == 0 else None
        self.pgdata = Path(tempfile.mkdtemp(prefix="cocreate-pg-"))
        if user is not None:
            account = pwd.getpwnam(user)
            os.chown(self.pgdata, account.pw_uid, account.pw_gid)
        env = dict(os.environ) | {"LC_ALL": "C.UTF-8"}
        if user is not None:
            env["HOME"] = str(self.pgdata)
        subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(self.pgdata / "data"),
                "--auth=trust",
                "--username=cocreate",
                "--encoding=UTF8",
            ],
            env=env,
            user=user,
            cwd=self.pgdata,
            check=True,
            capture_output=True,
            timeout=120,
        )
        process = self._spawn(
            "postgres",
            [
                str(bindir / "postgres"),
                "-D",
                str(self.pgdata / "data"),
                "-p",
                str(self.postgres_port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",  # throwaway data: speed over durability
                "-c",
                "max_connections=200",
            ],
            env=env,
            user=user,
        )
        self._wait_for(
            process,
            lambda: psycopg.connect(self.admin_dsn, connect_timeout=1).close() is None,
            "PostgreSQL",
        )
        self.create_database("cocreate")

    def create_database(self, name: str) -> str:
        """A new empty database on this cluster's PostgreSQL; returns its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url.rsplit("/", 1)[0] + f"/{name}"

    def start_worker(self, index: int) -> None:
        import requests

        command = [
            sys.executable,
            "-m",
            "cocreate.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.worker_ports[index]),
            "--worker",
            self.worker,
            "--public-url",
            self.base_url,
            "--trusted-proxies",
            "1",
        ]
        if self.sample and index == 0:
            command.append("--sample")  # made once, by the first worker, which prints its links
        name = f"worker{index + 1}"
        process = self._spawn(name, command, echo=self.echo_first_worker and index == 0)
        url = self.worker_url(index) + "/"
        self._wait_for(process, lambda: requests.get(url, timeout=2).ok, name)

    def _start_haproxy(self) -> None:
        import requests

        env = self.env | {
            "COCREATE_BIND": f"127.0.0.1:{self.balancer_port}",
            "COCREATE_HAPROXY_LOG": "stdout",
        }
        env.pop("COCREATE_TLS_CERT", None)
        for index, port in enumerate(self.worker_ports):
            env[f"COCREATE_WORKER{index + 1}"] = f"127.0.0.1:{port}"
        process = self._spawn(
            "haproxy", [str(binary("haproxy")), "-db", "-f", str(HAPROXY_CONFIG)], env=env
        )
        url = self.base_url + "/"
        self._wait_for(process, lambda: requests.get(url, timeout=2).ok, "HAProxy")


@contextlib.contextmanager
def running(workdir: Path, **options: object) -> Iterator[LocalCluster]:
    cluster = LocalCluster(workdir, **options)  # type: ignore[arg-type]
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5000, help="the balancer's port")
    parser.add_argument("--worker", default="gevent", choices=("gevent", "eventlet"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cocreate-cluster-") as folder:
        cluster = LocalCluster(
            Path(folder),
            balancer_port=arguments.port,
            worker=arguments.worker,
            sample=True,
            echo_first_worker=True,
        )
        try:
            cluster.start()
        except ClusterUnavailable as error:
            sys.exit(f"make run-cluster: {error}")
        stop = False

        def _stop(_signum: int, _frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        print(
            f"\nCluster on 127.0.0.1: HAProxy :{cluster.balancer_port} -> workers "
            f"{', '.join(f':{p}' for p in cluster.worker_ports)}; Redis :{cluster.redis_port}; "
            f"PostgreSQL :{cluster.postgres_port}. Logs in {folder}. Stop with Ctrl+C.",
            flush=True,
        )
        try:
            while not stop:
                for name, process in list(cluster.processes.items()):
                    if process.popen.poll() is not None:
                        print(f"{name} stopped (exit code {process.popen.returncode})")
                        cluster.processes.pop(name)
                time.sleep(0.5)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
