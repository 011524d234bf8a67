"""The cluster fixture: Redis, a throwaway PostgreSQL, two workers and HAProxy on loopback
(deploy/localcluster.py), once per test module, stopped by PID at the end, also on failure;
and the throwaway PostgreSQL alone, for the tests of races and migrations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.localcluster import LocalCluster, missing_binaries
from tests.browser.harness import free_port


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalCluster]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"the cluster needs {', '.join(missing)}: run `make cluster-deps`")
    workdir: Path = tmp_path_factory.mktemp("cluster")
    running = LocalCluster(
        workdir,
        balancer_port=free_port(),
        worker_ports=[free_port(), free_port()],
        redis_port=free_port(),
        postgres_port=free_port(),
        extra_env={
            "COCREATE_SECRET_KEY": "cluster-test",
            # Every test phone joins from 127.0.0.1; the per-address join limit is for venues.
            "COCREATE_JOIN_RATE_LIMIT": "10000 per minute",
        },
    )
    failed_before = request.session.testsfailed
    try:
        running.start()
        yield running
        if request.session.testsfailed > failed_before:
            print(running.logs())
    finally:
        running.stop()


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A throwaway PostgreSQL alone (Debian's binaries, as the cluster starts it), for tests
    of the database itself; each test makes its own database with `create_database`."""
    if "postgresql" in missing_binaries():
        pytest.skip("these tests need PostgreSQL: run `make cluster-deps`")
    running = LocalCluster(tmp_path_factory.mktemp("postgres"), postgres_port=free_port())
    try:
        running.start_postgres()
        yield running
    finally:
        running.stop()


@pytest.fixture
def postgres_url(postgres: LocalCluster) -> str:
    """A new empty database on the throwaway PostgreSQL."""
    return postgres.create_database(f"test_{uuid.uuid4().hex[:12]}")
