"""A real Celery worker in a child process, on the same database and broker as the caller.

Used by the integration tests and by the pipeline benchmark: the worker is started exactly as
`make run` and docker-compose start theirs (`celery -A config worker`), with its settings passed
through the environment like any deployment.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url():
    """The URL of the database this process is using right now (the test database in tests)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("A worker process needs a database it can share: PostgreSQL.")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # Driver options from the URL (sslmode=require and the like) travel with it.
    options = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}:{port}/{quote(db['NAME'])}{query}"


def worker_environment(**overrides):
    """The environment of a worker that shares this process's database, broker and media."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_TASK_ALWAYS_EAGER="0",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class WorkerProcess:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def child_pids(self):
        """The pool's processes (prefork only), read from /proc. Each thread lists the children
        it forked itself, and the pool replaces a lost process from one of its own threads."""
        pids = []
        for children in Path(f"/proc/{self.pid}/task").glob("*/children"):
            with suppress(FileNotFoundError):  # that thread has just ended
                pids += [int(pid) for pid in children.read_text().split()]
        return sorted(pids)

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited at start:\n{self.log()}")
            if " ready." in self.log():
                return
            time.sleep(0.1)
        raise RuntimeError(f"The worker was not ready after {timeout} s:\n{self.log()}")

    def stop(self, timeout=15):
        if self.process.poll() is None:
            self.process.terminate()  # a warm shutdown: running tasks finish first
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def celery_worker(
    *,
    queues=("urls", "logos", "default"),
    pool="threads",
    concurrency=4,
    ready_timeout=60,
    include=(),
    **env_overrides,
):
    """Start `celery -A config worker` and wait until it says it is ready; stop it after.
    `include` names extra modules the worker imports at start (the benchmark's counters)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        f"--queues={','.join(queues)}",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if include:
        command.append(f"--include={','.join(include)}")
    # The worker writes through its own copy of the descriptor: ours can close at once.
    with tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_environment(**env_overrides),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    log_path = Path(log.name)
    worker = WorkerProcess(process, log_path)
    try:
        worker.wait_ready(ready_timeout)
        yield worker
    finally:
        worker.stop()
        log_path.unlink(missing_ok=True)
