"""Canary analysis: judge app servers on the backend's own metrics in Prometheus.

After the first batch of a rolling deploy (the canary) rejoins the load balancer,
the deploy waits one analysis window, then compares the canary's 5xx ratio and p99
latency over that window with the other app servers' (the baseline) and with the
thresholds of roles/canary (defaults/main.yml is the one place they are set).
The same analysis, without a baseline, is the Jenkinsfile's smoke test.
"""

from __future__ import annotations

import math
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from ecomops.errors import EcomopsError, ExitCode
from ecomops.status import prometheus_get
from ecomops.waiting import wait_for

DEFAULTS_FILE = Path("roles") / "canary" / "defaults" / "main.yml"
_RESPONSES = "django_http_responses_total_by_status_total"
_LATENCY = "django_http_requests_latency_including_middlewares_seconds_bucket"


@dataclass(frozen=True)
class Thresholds:
    # The canary's 5xx share may exceed the baseline's by at most this much.
    max_error_ratio: float
    # The canary's p99 may be at most this many times the baseline's...
    max_latency_ratio: float
    # ...unless it stays under this (small p99s are noisy); with no baseline, the limit.
    latency_floor_seconds: float
    # Fewer responses than this in the window are too few to judge: not a failure.
    min_requests: int

    @classmethod
    def role_defaults(cls, project_dir: Path) -> Thresholds:
        """The thresholds of roles/canary/defaults/main.yml."""
        doc = yaml.safe_load((project_dir / DEFAULTS_FILE).read_text())
        return cls(
            max_error_ratio=float(doc["canary_max_error_ratio"]),
            max_latency_ratio=float(doc["canary_max_latency_ratio"]),
            latency_floor_seconds=float(doc["canary_latency_floor_seconds"]),
            min_requests=int(doc["canary_min_requests"]),
        )


def canary_window(project_dir: Path) -> float:
    """The analysis window of roles/canary/defaults/main.yml, in seconds."""
    return float(yaml.safe_load((project_dir / DEFAULTS_FILE).read_text())["canary_window_seconds"])


@dataclass(frozen=True)
class Sample:
    """What some app servers' backends answered over a window."""

    requests: float
    errors: float
    p99: float | None

    @property
    def error_ratio(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class Finding:
    metric: str
    value: float
    limit: float
    passed: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    canary: tuple[str, ...]
    baseline: tuple[str, ...]
    window_seconds: float
    canary_sample: Sample
    baseline_sample: Sample | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    def summary(self) -> str:
        who = ", ".join(self.canary)
        head = f"canary {who} over {self.window_seconds:g}s"
        failed = [f.detail for f in self.findings if not f.passed]
        if failed:
            return f"{head} FAILED: " + "; ".join(failed)
        return f"{head} passed: " + "; ".join(f.detail for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["passed"] = self.passed
        doc["summary"] = self.summary()
        return doc


def _percent(ratio: float) -> str:
    return f"{100 * ratio:.1f}%"


def judge(canary: Sample, baseline: Sample | None, thresholds: Thresholds) -> tuple[Finding, ...]:
    """The findings on a canary's sample against the baseline's and the thresholds."""
    if canary.requests < thresholds.min_requests:
        return (
            Finding(
                "requests", canary.requests, thresholds.min_requests, True,
                f"only {canary.requests:.0f} responses (< {thresholds.min_requests}): "
                "too little traffic to judge, not held against the release",
            ),
        )  # fmt: skip
    enough = baseline is not None and baseline.requests >= thresholds.min_requests
    judged_baseline = baseline if enough else None
    base_ratio = judged_baseline.error_ratio if judged_baseline else 0.0
    error_limit = base_ratio + thresholds.max_error_ratio
    errors = Finding(
        "error_ratio",
        canary.error_ratio,
        error_limit,
        canary.error_ratio <= error_limit,
        f"5xx ratio {_percent(canary.error_ratio)} ({canary.errors:.0f} of "
        f"{canary.requests:.0f}) vs limit {_percent(error_limit)} "
        f"(baseline {_percent(base_ratio)} + {_percent(thresholds.max_error_ratio)})",
    )
    latency_limit = thresholds.latency_floor_seconds
    if judged_baseline and judged_baseline.p99 is not None:
        latency_limit = max(latency_limit, judged_baseline.p99 * thresholds.max_latency_ratio)
    p99 = canary.p99 if canary.p99 is not None else 0.0
    base_text = (
        f"{thresholds.max_latency_ratio:g} x baseline {judged_baseline.p99:.3f}s"
        if judged_baseline and judged_baseline.p99 is not None
        else "no baseline"
    )
    latency = Finding(
        "latency_p99",
        p99,
        latency_limit,
        p99 <= latency_limit,
        f"p99 latency {p99:.3f}s vs limit {latency_limit:.3f}s "
        f"({base_text}, floor {thresholds.latency_floor_seconds:g}s)",
    )
    return errors, latency


def _instances(hosts: Sequence[str]) -> str:
    return "|".join(h.replace(".", r"\\.") for h in hosts)


def queries(hosts: Sequence[str], window: float) -> dict[str, str]:
    """PromQL for the responses, the 5xx responses and the p99 of `hosts` over `window`."""
    match = f'job="backend", instance=~"{_instances(hosts)}"'
    span = f"{max(math.ceil(window), 1)}s"
    return {
        "requests": f"sum(increase({_RESPONSES}{{{match}}}[{span}]))",
        "errors": f'sum(increase({_RESPONSES}{{{match}, status=~"5.."}}[{span}]))',
        "p99": f"histogram_quantile(0.99, sum by (le) (rate({_LATENCY}{{{match}}}[{span}])))",
    }


def _scalar(body: dict[str, Any]) -> float | None:
    """The single value of an instant vector answer; None when empty or NaN."""
    result = body.get("data", {}).get("result", [])
    if not result:
        return None
    value = float(result[0]["value"][1])
    return None if math.isnan(value) else value


class Prometheus:
    """Instant queries against Prometheus' HTTP API, through `ecomops.status`' client."""

    def __init__(self, base_url: str, credentials: tuple[str, str] | None) -> None:
        self.base_url, self.credentials = base_url, credentials

    def query(self, promql: str, at: float) -> float | None:
        params = urllib.parse.urlencode({"query": promql, "time": f"{at:.3f}"})
        body = prometheus_get(self.base_url, f"/api/v1/query?{params}", self.credentials)
        if body.get("status") != "success":
            raise EcomopsError(f"Prometheus refused {promql!r}: {body}", ExitCode.UNHEALTHY)
        return _scalar(body)

    def sample(self, hosts: Sequence[str], window: float, at: float) -> Sample:
        q = queries(hosts, window)
        return Sample(
            requests=self.query(q["requests"], at) or 0.0,
            errors=self.query(q["errors"], at) or 0.0,
            p99=self.query(q["p99"], at),
        )

    def last_scrape(self, hosts: Sequence[str]) -> float:
        """When Prometheus last scraped the least recently scraped of `hosts`' backends."""
        promql = f'min(timestamp(up{{job="backend", instance=~"{_instances(hosts)}"}}))'
        return self.query(promql, time.time()) or 0.0


def analyze(
    prometheus: Prometheus,
    canary: Sequence[str],
    baseline: Sequence[str],
    window: float,
    thresholds: Thresholds,
    progress: TextIO | None = sys.stderr,
    sleep: Callable[[float], None] = time.sleep,
    scrape_timeout: float = 120,
) -> Verdict:
    """Let the canary serve for `window` seconds, then judge that window."""
    if progress is not None:
        progress.write(f"canary: analysing {', '.join(canary)} for {window:g}s\n")
        progress.flush()
    sleep(window)
    end = time.time()
    # The window's last requests count once Prometheus has scraped them.
    try:
        wait_for(
            f"Prometheus scraping the backends of {', '.join(canary)} after the analysis window",
            lambda: prometheus.last_scrape(canary) >= end,
            timeout=scrape_timeout,
        )
    except TimeoutError as exc:
        raise EcomopsError(
            f"{exc}; without that scrape the canary cannot be judged: is Prometheus up and "
            "does it scrape job=backend with instance=<inventory host>? (`ecomops status`)",
            ExitCode.UNHEALTHY,
        ) from None
    canary_sample = prometheus.sample(canary, window, end)
    baseline_sample = prometheus.sample(baseline, window, end) if baseline else None
    return Verdict(
        tuple(canary),
        tuple(baseline),
        window,
        canary_sample,
        baseline_sample,
        judge(canary_sample, baseline_sample, thresholds),
    )
