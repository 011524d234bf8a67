"""The cluster fixture: Redis, a throwaway PostgreSQL, two workers and HAProxy on loopback
(deploy/localcluster.py), once per test module, stopped by PID at the end, also on failure."""

from __future__ import annotations

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
