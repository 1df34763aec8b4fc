"""What a benchmark run measured on: the commit, the machine and package versions, and the load
average, sampled with each progress line."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from mapapp.paths import ROOT_DIR


def code_version() -> str:
    """The commit measured, with `+changes` when the app's files differ from it."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT_DIR, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "mapapp",
        "streamlit_app.py",
        "geodata",
        "layers",
        "seeds",
        "bench/baseline_app.py",
    )
    return commit + (" +changes" if changed else "")


def machine_info() -> dict[str, Any]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    versions = {}
    for package in ("streamlit", "streamlit-folium", "folium", "playwright"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "cpu_model": first("/proc/cpuinfo", "model name"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


_STARTED = time.perf_counter()


LOAD_SAMPLES: list[float] = []  # 1-minute load average at each progress line: other work on the machine


def say(message: str) -> None:
    """Progress on stdout, with the seconds since the benchmark started."""
    LOAD_SAMPLES.append(os.getloadavg()[0])
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {message}", flush=True)


def write_results(
    results: dict[str, Any], out: Path, markdown_report: Callable[[dict[str, Any]], str], started: float
) -> None:
    """Finish a benchmark's results (load averages, wall time), write them as JSON and the report as
    Markdown beside it, and print the report."""
    results["load_average_at_end"] = os.getloadavg()
    results["load_average_samples"] = [round(x, 2) for x in LOAD_SAMPLES]
    results["wall_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    report = markdown_report(results)
    out.with_suffix(".md").write_text(report, encoding="utf-8")
    print("\n" + report)
    print(f"wrote {out} and {out.with_suffix('.md').name} in {results['wall_s']:.0f} s")
