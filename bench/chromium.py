"""Debian's Chromium as the benchmark, the load test and the browser tests start it (never downloaded)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("QZ_CHROMIUM", "/usr/bin/chromium"))
# Headless as root, and quiet: without the background-networking flags Chromium keeps calling
# hosts this machine cannot reach.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
