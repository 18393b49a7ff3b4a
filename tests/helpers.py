"""Helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest


def require(condition: object, reason: str) -> None:
    """Skip the test unless ``condition`` holds; fail instead when KG_REQUIRE_ALL=1 (CI)."""
    if not condition:
        if os.environ.get("KG_REQUIRE_ALL"):
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    """A TCP port free on loopback right now (for a server a test starts)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Wait until ``url`` answers 2xx; raise if ``process`` exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if 200 <= response.status < 300:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.3)
