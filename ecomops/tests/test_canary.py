"""Canary analysis: the verdict on numbers Prometheus would give, the queries asked."""

from __future__ import annotations

import io

import pytest
from conftest import ROOT, run_cli
from ecomops.canary import Prometheus, Sample, Thresholds, Verdict, analyze, judge, queries
from ecomops.errors import EcomopsError

LIMITS = Thresholds(
    max_error_ratio=0.02, max_latency_ratio=2.0, latency_floor_seconds=0.5, min_requests=50
)


def test_the_role_defaults_are_the_analysis_defaults():
    assert Thresholds.role_defaults(ROOT) == LIMITS


def test_a_canary_as_good_as_the_baseline_passes():
    findings = judge(Sample(400, 1, 0.12), Sample(380, 1, 0.10), LIMITS)
    assert [f.metric for f in findings] == ["error_ratio", "latency_p99"]
    assert all(f.passed for f in findings)


def test_a_canary_answering_5xx_fails_on_its_error_ratio_with_the_numbers():
    errors, latency = judge(Sample(400, 200, 0.12), Sample(380, 0, 0.10), LIMITS)
    assert not errors.passed and latency.passed
    assert errors.value == pytest.approx(0.5) and errors.limit == pytest.approx(0.02)
    assert "5xx ratio 50.0% (200 of 400) vs limit 2.0%" in errors.detail


def test_errors_the_whole_shop_has_are_not_held_against_the_canary():
    # The database is down for everyone: the baseline fails as much.
    errors, _ = judge(Sample(400, 200, 0.12), Sample(400, 196, 0.10), LIMITS)
    assert errors.passed


def test_a_tripled_latency_fails_above_the_floor_only():
    _, slow = judge(Sample(400, 0, 1.5), Sample(400, 0, 0.5), LIMITS)
    assert not slow.passed and slow.limit == pytest.approx(1.0)
    _, fast = judge(Sample(400, 0, 0.3), Sample(400, 0, 0.1), LIMITS)
    assert fast.passed and fast.limit == pytest.approx(0.5)


def test_without_a_baseline_the_thresholds_are_absolute():
    errors, latency = judge(Sample(400, 4, 0.7), None, LIMITS)
    assert errors.passed and not latency.passed and latency.limit == pytest.approx(0.5)


def test_too_little_traffic_is_not_judged_and_says_so():
    (finding,) = judge(Sample(10, 5, 3.0), Sample(400, 0, 0.1), LIMITS)
    assert finding.passed and "too little traffic" in finding.detail


def test_the_summary_names_the_failing_metric():
    canary = Sample(400, 200, 0.12)
    verdict = Verdict(("app-1",), ("app-2",), 20, canary, None, judge(canary, None, LIMITS))
    assert not verdict.passed
    assert verdict.summary().startswith("canary app-1 over 20s FAILED: 5xx ratio 50.0%")
    assert verdict.as_dict()["passed"] is False


def test_queries_select_the_hosts_backends_over_the_window():
    q = queries(["app-1", "app.2"], 20.5)
    assert q["errors"] == (
        'sum(increase(django_http_responses_total_by_status_total{job="backend", '
        'instance=~"app-1|app\\\\.2", status=~"5.."}[21s]))'
    )
    assert "histogram_quantile(0.99, sum by (le)" in q["p99"] and "[21s]" in q["p99"]


def test_an_unreachable_prometheus_stops_the_analysis_with_a_hint():
    progress = io.StringIO()
    with pytest.raises(EcomopsError, match=r"Prometheus scraping the backends of app-1.*status"):
        analyze(
            Prometheus("http://127.0.0.1:9", None), ["app-1"], [], 0.1, LIMITS, progress,
            sleep=lambda _: None, scrape_timeout=1,
        )  # fmt: skip
    assert "analysing app-1" in progress.getvalue()


def test_analyze_refuses_a_window_that_is_no_duration(tmp_path):
    done = run_cli("analyze", "--window", "0", "--canary", "app-1", "--baseline=",
                   "--prometheus-url", "http://127.0.0.1:9")  # fmt: skip
    assert done.returncode == 2
    assert "--window: 0 is not a number of seconds" in done.stderr
