"""What an operator expects of the monitoring host after the alertmanager role."""

import json
import time
from typing import Any

import pytest
import yaml

API = "http://127.0.0.1:9093/api/v2"
SINK = "http://127.0.0.1:9095/"
CONFIG = "/etc/prometheus/alertmanager.yml"
SECRETS = "/etc/prometheus/alertmanager-secrets"


def config(host: Any) -> dict:
    return yaml.safe_load(host.file(CONFIG).content_string)


def post_alerts(host: Any, alerts: list[dict]) -> None:
    body = json.dumps(alerts).replace("'", "'\\''")
    host.check_output(
        f"curl -fsS -X POST -H 'Content-Type: application/json' -d '{body}' {API}/alerts"
    )


def wait_for(what: str, probe: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout}s")
        time.sleep(1)


def test_alertmanager_runs_and_starts_at_boot(host: Any) -> None:
    service = host.service("prometheus-alertmanager")
    assert service.is_running
    assert service.is_enabled


def test_alertmanager_listens_on_loopback_only_without_gossip(host: Any) -> None:
    assert host.socket("tcp://127.0.0.1:9093").is_listening
    assert not host.socket("tcp://0.0.0.0:9093").is_listening
    assert not host.socket("tcp://0.0.0.0:9094").is_listening


def test_written_configuration_passes_amtool_and_holds_no_secret(host: Any) -> None:
    file = host.file(CONFIG)
    assert (file.user, file.group, file.mode) == ("root", "prometheus", 0o640)
    assert host.run(f"amtool check-config {CONFIG}").rc == 0
    assert "molecule-only" not in file.content_string


def test_receiver_secrets_are_files_only_alertmanager_reads(host: Any) -> None:
    for name, value in [
        ("smtp_auth_password", "molecule-only-smtp-password"),
        ("chat_webhook_url", "https://chat.example.test/hooks/molecule-only-token"),
    ]:
        secret = host.file(f"{SECRETS}/{name}")
        assert (secret.user, secret.group, secret.mode) == ("root", "prometheus", 0o640)
        assert secret.content_string == value
    settings = config(host)["global"]
    assert settings["smtp_auth_password_file"] == f"{SECRETS}/smtp_auth_password"
    assert settings["slack_api_url_file"] == f"{SECRETS}/chat_webhook_url"


def test_receivers_and_routes_come_from_the_variables(host: Any) -> None:
    loaded = json.loads(host.check_output(f"curl -fsS {API}/status"))["config"]["original"]
    running = yaml.safe_load(loaded)
    receivers = {r["name"]: r for r in running["receivers"]}
    # Alertmanager shows webhook URLs as <secret>: the written file has it.
    assert receivers["sink"]["webhook_configs"][0]["url"] == "<secret>"
    assert config(host)["receivers"][0]["webhook_configs"][0]["url"] == SINK
    assert receivers["mail"]["email_configs"][0]["to"] == "ops@example.test"
    assert receivers["chat"]["slack_configs"][0]["channel"] == "#ops"
    route = running["route"]
    assert route["receiver"] == "sink"
    assert route["group_by"] == ["alertname", "instance"]
    assert [(r["matchers"], r["receiver"]) for r in route["routes"]] == [
        (['team="shop"'], "mail"),
        (['team="chat"'], "chat"),
    ]


def test_a_firing_alert_reaches_the_webhook_and_a_down_host_mutes_its_other_alerts(
    host: Any,
) -> None:
    labels = {"instance": "molecule-host", "severity": "critical"}
    post_alerts(
        host,
        [
            {"labels": {**labels, "alertname": "InstanceDown", "job": "node"}},
            {"labels": {**labels, "alertname": "BackendHigh5xxRate", "job": "backend"}},
        ],
    )

    def delivered() -> list[dict]:
        sent = json.loads(host.check_output(f"curl -fsS {SINK}"))
        return [n for n in sent if n["groupLabels"].get("instance") == "molecule-host"]

    (first, *_) = wait_for("a notification about molecule-host at the sink", delivered)
    assert first["groupLabels"] == {"alertname": "InstanceDown", "instance": "molecule-host"}
    assert first["status"] == "firing"

    def inhibited() -> list[dict]:
        alerts = json.loads(host.check_output(f"curl -fsS '{API}/alerts?inhibited=true'"))
        return [a for a in alerts if a["status"]["inhibitedBy"]]

    (muted,) = wait_for("the backend alert muted by InstanceDown", inhibited)
    assert muted["labels"]["alertname"] == "BackendHigh5xxRate"
    assert all(n["groupLabels"]["alertname"] == "InstanceDown" for n in delivered())


def test_a_configuration_change_is_applied_by_reload_not_restart(host: Any) -> None:
    before = host.file("/tmp/alertmanager-pid-before-reload").content_string.strip()
    now = host.check_output("systemctl show --property MainPID --value prometheus-alertmanager")
    assert now == before, "the side effect's configuration change restarted Alertmanager"
    status = json.loads(host.check_output(f"curl -fsS {API}/status"))
    assert yaml.safe_load(status["config"]["original"])["route"]["repeat_interval"] == "3h"
