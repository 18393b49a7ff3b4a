"""Helpers shared by the tests."""

from __future__ import annotations

import os

import pytest


def require(condition: object, reason: str) -> None:
    """Skip the test unless ``condition`` holds; fail instead when KG_REQUIRE_ALL=1 (CI)."""
    if not condition:
        if os.environ.get("KG_REQUIRE_ALL"):
            pytest.fail(reason)
        pytest.skip(reason)
