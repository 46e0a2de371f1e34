"""Fixtures for tests that need a real Celery worker on Redis and PostgreSQL.

``live_services`` skips the test unless DATABASE_URL points at PostgreSQL and
CELERY_BROKER_URL at a reachable broker; with REQUIRE_LIVE_SERVICES=1 (set by
.ci/run) it fails instead, so CI never silently skips them.

``live_worker`` starts ``celery -A diaspora worker`` in a subprocess on the
test database (committed data only: use ``django_db(transaction=True)``) and
makes this process send real tasks instead of running them in-process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
NEEDS = "needs PostgreSQL and a Redis broker: set DATABASE_URL and CELERY_BROKER_URL"


def missing_live_services() -> str:
    """Why the live services are unusable, or "" when they are there."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"{NEEDS} (the database is {connection.vendor})"
    broker = settings.CELERY_BROKER_URL
    if not broker:
        return f"{NEEDS} (CELERY_BROKER_URL is unset)"
    try:
        from kombu import Connection

        with Connection(broker, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure to reach it is a reason to skip
        return f"{NEEDS} (the broker {broker} is unreachable: {exc})"
    return ""


@pytest.fixture
def live_services():
    reason = missing_live_services()
    if reason:
        if os.environ.get("REQUIRE_LIVE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_LIVE_SERVICES=1 but the test {reason}")
        pytest.skip(reason)


def _test_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{s['NAME']}"


def set_always_eager(value: bool) -> bool:
    """Switch in-process execution of tasks; returns the previous value.

    The app reads Django settings with the CELERY_ namespace, so the prefixed
    key is the one that counts.
    """
    from diaspora.celery import app

    previous = bool(app.conf.task_always_eager)
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = value
    assert app.conf.task_always_eager is value
    return previous


class LiveWorker:
    def __init__(self, process: subprocess.Popen, log_path: Path, nodename: str, start=None):
        self.process = process
        self.log_path = log_path
        self.nodename = nodename
        self._start = start

    def kill_hard(self) -> None:
        """SIGKILL, as the OOM killer or a crash would: no warm shutdown, no acks."""
        self.process.kill()
        self.process.wait(timeout=10)

    def start_again(self) -> None:
        """A new worker on the same queue (after kill_hard)."""
        self.process = self._start()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60, every: float = 0.5):
        """Poll until condition() is true; fail with the worker's log otherwise."""
        from django.db import close_old_connections

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            close_old_connections()
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(every)
        pytest.fail(f"Nothing happened within {timeout} s. Worker log:\n{self.log()}")


@pytest.fixture
def live_worker(live_services, transactional_db):
    yield from _live_worker(["--pool=solo"])


@pytest.fixture
def live_prefork_worker(live_services, transactional_db):
    """A worker with two pool processes, as in production (compose: --concurrency=2)."""
    yield from _live_worker(["--pool=prefork", "--concurrency=2"])


def _live_worker(pool_options: list[str]):
    from diaspora.celery import app

    queue = app.conf.task_default_queue or "celery"
    nodename = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "DJANGO_SETTINGS_MODULE": "diaspora.settings",
        "PYTHONUNBUFFERED": "1",
    }
    # Tasks left by tests that ran without a worker would refer to rows that
    # are gone: start from an empty queue.
    with app.connection_for_write() as conn:
        app.amqp.queues[queue].bind(conn.default_channel).purge()

    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
        prefix="celery-worker-", suffix=".log", delete=False
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "diaspora",
        "worker",
        *pool_options,
        "-Q",
        queue,
        "-n",
        nodename,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]

    def start():
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )

    worker = LiveWorker(start(), Path(log_file.name), nodename, start)
    was_eager = set_always_eager(False)  # this process sends real tasks
    try:
        yield worker
    finally:
        set_always_eager(was_eager)
        process = worker.process
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log_file.close()
        os.unlink(log_file.name)
