"""What a user of the node_exporter role relies on, on every install method."""

import os
from pathlib import Path

import pytest

VERSION = "1.9.0"


@pytest.fixture
def method(host):
    return host.backend.get_hostname().rsplit("-", 1)[-1]


def metrics(host):
    return host.check_output("curl -fsS http://127.0.0.1:9100/metrics")


def test_service_is_running_and_enabled(host):
    service = host.service("node_exporter")
    assert service.is_running
    assert service.is_enabled


def test_listens_on_the_configured_port(host):
    assert host.socket("tcp://0.0.0.0:9100").is_listening


def test_serves_the_pinned_version(host):
    assert 'node_exporter_build_info{branch="' in metrics(host)
    assert f'version="{VERSION}"' in metrics(host)


def test_runs_as_an_unprivileged_system_user(host):
    user = host.user("node-exp")
    assert user.shell == "/usr/sbin/nologin"
    assert user.uid < 1000
    main_pid = host.check_output("systemctl show -p MainPID --value node_exporter")
    assert host.check_output(f"ps -o user= -p {main_pid}") == "node-exp"


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectControlGroups", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
    ],
)
def test_unit_is_hardened(host, prop, value):
    assert host.check_output(f"systemctl show -p {prop} --value node_exporter") == value


def test_textfile_collector_exposes_dropped_files(host):
    folder = host.file("/var/lib/node_exporter/textfile_collector")
    assert folder.is_directory
    assert folder.user == "root"
    host.run_expect(
        [0],
        "echo 'molecule_probe 42' > /var/lib/node_exporter/textfile_collector/probe.prom",
    )
    try:
        assert "molecule_probe 42" in metrics(host)
    finally:
        host.run("rm -f /var/lib/node_exporter/textfile_collector/probe.prom")


def test_binary_comes_from_the_chosen_method(host, method):
    if method == "distribution":
        assert host.package("prometheus-node-exporter").is_installed
        assert (
            "/usr/bin/prometheus-node-exporter"
            in host.file("/etc/systemd/system/node_exporter.service").content_string
        )
        # The package's own unit would fight ours for port 9100.
        state = host.run("systemctl is-enabled prometheus-node-exporter").stdout.strip()
        assert state == "masked"
    else:
        link = host.file("/usr/local/bin/node_exporter")
        assert link.is_symlink
        release = f"node_exporter-{VERSION}.linux-amd64"
        assert link.linked_to == f"/opt/node_exporter/{release}/node_exporter"
        assert not host.package("prometheus-node-exporter").is_installed


def test_tampered_download_never_stays_in_the_cache(method):
    if method != "release":
        pytest.skip("the tampered mirror is only tried on the release host")
    cache = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "cache-tampered"
    assert (cache / f"sha256sums-{VERSION}.txt").is_file()
    assert not (cache / f"node_exporter-{VERSION}.linux-amd64.tar.gz").exists()
