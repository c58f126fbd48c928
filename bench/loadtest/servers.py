"""gunicorn servers started and stopped by the load test.

Rules: each server runs in its own process group on a free loopback port with the settings of the run
(workers, worker class, threads, timeout 30 s); it is ready when its `ready_path` answers (any status below
500) and is given `startup_timeout` seconds to get there; on exit it gets SIGTERM, then SIGKILL after 10 s.
Its output goes to a log file, which is printed if it fails to start.

`hello_app` is the floor: the smallest Flask app, served with the same settings as Lan Tỏa
(`gunicorn bench.loadtest.servers:hello_app`). Its p50 is what a request costs with no application work
(generator, loopback, gunicorn, Flask routing); every page is printed as a ratio to it.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


hello_app = Flask("hello")


@hello_app.get("/")
def hello() -> str:
    return "Hello, world!"


@dataclass(frozen=True)
class ServerSettings:
    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1
    timeout: int = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


class Gunicorn:
    """`with Gunicorn("wsgi:app", settings, env, log) as server:` then `server.port`."""

    def __init__(self, app_spec: str, settings: ServerSettings, env: dict[str, str], log: Path,
                 ready_path: str = "/", startup_timeout: float = 90.0):
        self.app_spec, self.settings, self.env, self.log = app_spec, settings, env, log
        self.ready_path, self.startup_timeout = ready_path, startup_timeout
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        s = self.settings
        return [sys.executable, "-m", "gunicorn", "--workers", str(s.workers), "--worker-class", s.worker_class,
                "--threads", str(s.threads), "--timeout", str(s.timeout), "--bind", f"127.0.0.1:{self.port}",
                "--chdir", str(ROOT), self.app_spec]

    def __enter__(self) -> Gunicorn:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env={**os.environ, **self.env},
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while not answers(self.port, self.ready_path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn {self.app_spec} did not start; its log:\n{self.log.read_text()}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __exit__(self, *exc) -> None:
        self.stop()
