"""What an operator expects of the monitoring host after the prometheus role."""

import json
from pathlib import Path
from typing import Any

from ecomops.waiting import wait_for

API = "http://127.0.0.1:9090/api/v1"
AUTH = "ecomops:molecule-only-prometheus-password"
HOST_NAME = "molecule-prometheus"
SHIPPED_ALERTS = {
    "InstanceDown",
    "HostHighCpu",
    "HostHighMemory",
    "HostLowDisk",
    "BackendHigh5xxRate",
    "BackendHighLatency",
    "BackendDatabaseUnavailable",
    "FraudAlertSurge",
}


def api(host: Any, path: str) -> Any:
    reply = json.loads(host.check_output(f"curl -fsS -u {AUTH} '{API}/{path}'"))
    assert reply["status"] == "success", reply
    return reply["data"]


def active_targets(host: Any, job: str, wanted_health: str, timeout: float = 60) -> list[dict]:
    """The job's targets once all of them report `wanted_health` (scrapes take a few seconds)."""

    def targets() -> list[dict]:
        found = [t for t in api(host, "targets")["activeTargets"] if t["labels"]["job"] == job]
        return found if found and all(t["health"] == wanted_health for t in found) else []

    return wait_for(f"every target of job {job} {wanted_health}", targets, timeout, 2)


def test_prometheus_runs_and_starts_at_boot(host: Any) -> None:
    service = host.service("prometheus")
    assert service.is_running
    assert service.is_enabled


def test_prometheus_listens_on_every_address(host: Any) -> None:
    assert host.socket("tcp://0.0.0.0:9090").is_listening


def test_every_request_needs_the_password_and_only_its_hash_is_stored(host: Any) -> None:
    anonymous = "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9090"
    assert host.check_output(f"{anonymous}/-/ready") == "401"
    assert host.check_output(f"{anonymous}/api/v1/targets") == "401"
    wrong = anonymous.replace("curl", "curl -u ecomops:wrong-password")
    assert host.check_output(f"{wrong}/-/ready") == "401"
    web = host.file("/etc/prometheus/web.yml")
    assert (web.user, web.group, web.mode) == ("root", "prometheus", 0o640)
    assert host.run("promtool check web-config /etc/prometheus/web.yml").rc == 0
    assert "molecule-only-prometheus-password" not in web.content_string
    assert web.content_string.split(":", 1)[0] == "basic_auth_users"
    assert "$2b$" in web.content_string
    flags = host.file("/etc/default/prometheus").content_string
    assert "--web.config.file=/etc/prometheus/web.yml" in flags


def test_written_configuration_passes_promtool(host: Any) -> None:
    config = host.file("/etc/prometheus/prometheus.yml")
    assert (config.user, config.group, config.mode) == ("root", "prometheus", 0o644)
    assert host.run("promtool check config /etc/prometheus/prometheus.yml").rc == 0


def test_shipped_alert_rules_are_loaded(host: Any) -> None:
    def loaded() -> dict[str, dict]:
        groups = api(host, "rules?type=alert")["groups"]
        return {rule["name"]: rule for group in groups for rule in group["rules"]}

    assert set(loaded()) >= SHIPPED_ALERTS
    # A rule's health is "unknown" until its group's first evaluation after a (re)load.
    wait_for(
        "every shipped alert rule evaluated with health ok",
        lambda: all(loaded()[name]["health"] == "ok" for name in SHIPPED_ALERTS),
        90,
        2,
    )


def test_alert_rules_fire_as_intended(host: Any) -> None:
    host.run("install -d /tmp/molecule-rules")
    content = (Path(__file__).parent / "alerts_test.yml").read_text()
    host.run(f"cat > /tmp/molecule-rules/alerts_test.yml <<'EOF'\n{content}EOF")
    result = host.run("promtool test rules /tmp/molecule-rules/alerts_test.yml")
    assert result.rc == 0, result.stdout + result.stderr


def test_node_exporter_of_each_app_server_is_scraped_under_its_inventory_name(host: Any) -> None:
    (target,) = active_targets(host, "node", "up")
    assert target["labels"]["instance"] == HOST_NAME
    assert target["labels"]["az"] == "az-molecule"
    assert target["scrapeUrl"] == "http://127.0.0.1:9100/metrics"


def test_backend_metrics_of_each_app_server_are_a_scrape_job(host: Any) -> None:
    # No backend runs in this scenario: the target exists and is reported down.
    (target,) = active_targets(host, "backend", "down")
    assert target["scrapeUrl"] == "http://127.0.0.1:8000/metrics"
    assert target["labels"]["instance"] == HOST_NAME


def test_fraud_api_metrics_of_each_app_server_are_a_scrape_job(host: Any) -> None:
    (target,) = active_targets(host, "fraud-api", "down")
    assert target["scrapeUrl"] == "http://127.0.0.1:8001/metrics"
    assert target["labels"]["instance"] == HOST_NAME


def test_prometheus_scrapes_itself(host: Any) -> None:
    active_targets(host, "prometheus", "up")


def test_retention_comes_from_the_role_variables(host: Any) -> None:
    flags = api(host, "status/flags")
    assert flags["storage.tsdb.retention.time"] == "10d"
    assert flags["storage.tsdb.retention.size"] == "512MiB"  # Prometheus counts in binary units


def test_a_configuration_change_is_applied_by_reload_not_restart(host: Any) -> None:
    before = host.file("/tmp/prometheus-pid-before-reload").content_string.strip()
    now = host.check_output("systemctl show --property MainPID --value prometheus")
    assert now == before, "the side effect's configuration change restarted Prometheus"
    # A reload is a SIGHUP: Prometheus applies the new file a moment later.
    wait_for(
        "the reloaded configuration with job molecule-extra",
        lambda: "job_name: molecule-extra" in api(host, "status/config")["yaml"],
        30,
    )
    active_targets(host, "molecule-extra", "up")
