"""The load test's vocabulary and results: places to select, who owns which, latencies, memory, verdict."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

DEFAULT_MAX_RSS_MB = 1500.0


@dataclass(frozen=True)
class Target:
    """A place a reader selects: its id and the heading the side panel shows for it."""

    feature_id: str
    name: str


def targets_from_index(index) -> list[Target]:
    """Places with a geometry whose Chinese name (the panel heading) no other place has."""
    names: dict[str, int] = {}
    for feature in index.features.values():
        names[feature.name_zh] = names.get(feature.name_zh, 0) + 1
    return [
        Target(feature.feature_id, feature.name_zh)
        for feature in sorted(index.features.values(), key=lambda f: f.feature_id)
        if feature.geometry and names[feature.name_zh] == 1
    ]


def pools_for(targets: Sequence[Target], sessions: int) -> list[list[Target]]:
    """Disjoint pools dealt round-robin, so that a place a session shows tells whose it is.

    With fewer places than sessions, the later sessions reuse the first places (a leak between two
    sessions with the same place then goes unseen).
    """
    if not targets:
        raise ValueError("no places to select; expected features with a geometry and a unique name")
    pools: list[list[Target]] = [[] for _ in range(sessions)]
    for n, target in enumerate(targets):
        pools[n % sessions].append(target)
    return [pool or [targets[n % len(targets)]] for n, pool in enumerate(pools)]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between closest ranks; NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadReport:
    clients: str  # "protocol" or "browser"
    sessions: int
    seconds: float
    think_s: float
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)  # action -> latencies
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)  # a session was shown another session's place
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)
    rss_baseline_mb: float | None = None  # one session open, before the load
    rss_after_mb: float | None = None  # every session closed again
    server_cpu_s: float | None = None  # CPU seconds the server used during the load
    max_rss_mb: float = DEFAULT_MAX_RSS_MB
    disconnects: int = 0  # connections the server dropped (a replica died)
    lost_view: list[str] = field(default_factory=list)  # readers who could not get their view back
    recovered_at: list[float] = field(default_factory=list)  # monotonic times readers were back on their view
    killed: dict | None = None  # the replica killed midway: port, pid, at (monotonic)

    def record(self, action: str, latency_ms: float) -> None:
        self.latencies_ms.setdefault(action, []).append(latency_ms)

    @property
    def selections(self) -> int:
        return sum(len(values) for action, values in self.latencies_ms.items() if action in ("click", "search", "link"))

    @property
    def rss_peak_mb(self) -> float | None:
        return max((mb for _, mb in self.rss_mb), default=None)

    @property
    def ok(self) -> bool:
        peak = self.rss_peak_mb
        return (
            not self.errors
            and not self.leaks
            and not self.lost_view
            and self.selections > 0
            and (peak is None or peak <= self.max_rss_mb)
        )

    def summary(self) -> dict:
        actions = {
            action: {
                "count": len(values),
                "p50_ms": round(percentile(values, 50)),
                "p95_ms": round(percentile(values, 95)),
                "max_ms": round(max(values)),
            }
            for action, values in sorted(self.latencies_ms.items())
        }
        kill = None
        if self.killed is not None:
            after = [t - self.killed["at"] for t in self.recovered_at if t >= self.killed["at"]]
            kill = {
                "port": self.killed["port"],
                "pid": self.killed["pid"],
                "after_s": self.killed["after_s"],
                "disconnects": self.disconnects,
                "recovered": len(after),
                "lost_view": len(self.lost_view),
                "last_back_s": round(max(after), 2) if after else None,
            }
        return {
            "replica_killed": kill,
            "clients": self.clients,
            "sessions": self.sessions,
            "seconds": self.seconds,
            "think_ms": round(self.think_s * 1000),
            "actions": actions,
            "selections": self.selections,
            "errors": self.errors,
            "lost_view": self.lost_view,
            "leaks": self.leaks,
            "server_cpu_s": _round(self.server_cpu_s),
            "rss_mb": {
                "baseline": _round(self.rss_baseline_mb),
                "peak": _round(self.rss_peak_mb),
                "after_close": _round(self.rss_after_mb),
                "limit": self.max_rss_mb,
                "samples": [[round(t, 1), round(mb, 1)] for t, mb in self.rss_mb],
            },
            "ok": self.ok,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def format_report(summary: dict) -> str:
    """The summary as a short table for the terminal."""
    lines = [
        f"{summary['sessions']} {summary['clients']} sessions for {summary['seconds']:g} s, "
        f"{summary['think_ms']} ms between actions, on 127.0.0.1: {summary['selections']} selections"
    ]
    lines.append(f"{'action':16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for action, row in summary["actions"].items():
        lines.append(f"{action:16} {row['count']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}")
    rss = summary["rss_mb"]
    lines.append(
        f"server RSS MB: one session {rss['baseline']}, peak {rss['peak']} (limit {rss['limit']:g}), "
        f"after closing {rss['after_close']}; server CPU {summary['server_cpu_s']} s"
    )
    kill = summary.get("replica_killed")
    if kill:
        lines.append(
            f"replica on port {kill['port']} (pid {kill['pid']}) killed after {kill['after_s']:g} s: "
            f"{kill['disconnects']} readers cut off, {kill['recovered']} back on their view "
            f"(the last {kill['last_back_s']} s after the kill), {kill['lost_view']} lost it"
        )
    lines.append(
        f"errors: {len(summary['errors'])}, leaks between sessions: {len(summary['leaks'])}, "
        f"readers who lost their view: {len(summary.get('lost_view', []))}"
    )
    lines.extend(
        f"  {message}" for message in [*summary["errors"], *summary["leaks"], *summary.get("lost_view", [])][:20]
    )
    lines.append("OK" if summary["ok"] else "FAILED")
    return "\n".join(lines)
