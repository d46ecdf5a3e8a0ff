"""`ecomops deploy` against real hosts: a bastion container with SSH published on
127.0.0.1 and an app host on an internal network reached only through it
(ProxyJump). Secrets get unique markers that must never show up in output,
reports, ansible-runner's files or any process's command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from conftest import ECOMOPS, FIXTURES, ROOT, run_cli
from ecomops.events import EventTracker
from ecomops.runner import PlaybookRun, run_playbook
from ecomops.waiting import wait_for

pytestmark = [
    pytest.mark.integration,
    # The secret watcher is a thread: if it died, the run would look clean.
    pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning"),
]

SMOKE = FIXTURES / "playbooks" / "smoke.yml"
SYSTEMD_FLAGS = [
    "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", "--cgroupns=host",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run", "--tmpfs", "/tmp",
]  # fmt: skip
SECRET_NAMES = (
    "ECOMOPS_REGISTRY_PASSWORD",
    "ECOMOPS_DB_PASSWORD",
    "ECOMOPS_DJANGO_SECRET_KEY",
    "ECOMOPS_GRAFANA_ADMIN_PASSWORD",
    "ECOMOPS_PROMETHEUS_PASSWORD",
)


def docker(*args: str, check: bool = True) -> str:
    return subprocess.run(
        ["docker", *args], check=check, capture_output=True, text=True
    ).stdout.strip()


def ip_on(container: str, network: str) -> str:
    return docker(
        "inspect", "-f", f'{{{{(index .NetworkSettings.Networks "{network}").IPAddress}}}}',
        container,
    )  # fmt: skip


def wait_for_ssh(container: str, timeout: float = 90) -> None:
    wait_for(
        f"sshd active in {container}",
        lambda: docker("exec", container, "systemctl", "is-active", "ssh", check=False) == "active",
        timeout,
        0.5,
    )


@dataclass
class Lab:
    tmp: Path
    inventory: Path
    ssh_dir: Path
    app: str
    bastion_private_ip: str
    env: dict[str, str]
    markers: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    if shutil.which("docker") is None or not docker("images", "-q", "ecomops/host", check=False):
        pytest.fail("needs Docker and the ecomops/host image: run `make images`")
    tmp = tmp_path_factory.mktemp("wrapper-lab")
    prefix = f"ecomops-test-wrapper-{uuid.uuid4().hex[:6]}"
    public, private = f"{prefix}-public", f"{prefix}-private"
    bastion, app = f"{prefix}-bastion", f"{prefix}-app"
    key = tmp / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    try:
        docker("network", "create", public)
        docker("network", "create", "--internal", private)
        docker("run", "-d", "--name", bastion, "--network", public, "-p", "127.0.0.1::22",
               *SYSTEMD_FLAGS, "ecomops/host")  # fmt: skip
        docker("network", "connect", private, bastion)
        docker("run", "-d", "--name", app, "--network", private, *SYSTEMD_FLAGS, "ecomops/host")
        for host in (bastion, app):
            wait_for_ssh(host)
            docker("exec", host, "install", "-d", "-m", "0700", "/root/.ssh")
            subprocess.run(
                ["docker", "exec", "-i", host, "sh", "-c", "cat > /root/.ssh/authorized_keys"],
                input=key.with_suffix(".pub").read_text(), text=True, check=True,
            )  # fmt: skip
        port = int(docker("port", bastion, "22").splitlines()[0].rsplit(":", 1)[1])
        app_ip = ip_on(app, private)
        bastion_private_ip = ip_on(bastion, private)
        # An address on the private subnet where nothing answers: an unreachable host.
        gone_ip = ".".join([*app_ip.split(".")[:3], "250"])
        contract = {
            "schema": 1, "project": "wrapper-test", "environment": "lab", "region": "lab",
            "ssh_user": "root",
            "bastions": [{"name": "wrapper_bastion", "az": "lab-az1", "public_ip": "127.0.0.1",
                          "private_ip": bastion_private_ip, "ssh_port": port}],
            "app_servers": [
                {"name": "wrapper_app", "az": "lab-az1", "private_ip": app_ip},
                {"name": "wrapper_gone", "az": "lab-az1", "private_ip": gone_ip},
            ],
            "monitoring": {"name": "wrapper_monitoring", "az": "lab-az1",
                           "public_ip": "127.0.0.1", "private_ip": ip_on(bastion, public),
                           "ssh_port": port},
            "database": {"address": "127.0.0.1", "port": 5432, "name": "x", "username": "x"},
            "load_balancer": {"kind": "haproxy", "dns_name": "127.0.0.1",
                              "url": "http://127.0.0.1", "haproxy_socket": str(tmp / "lb.sock"),
                              "haproxy_backend": "app"},
        }  # fmt: skip
        (tmp / "contract.json").write_text(json.dumps(contract))
        ssh_dir = tmp / "ssh"
        done = run_cli(
            "inventory", "--from", "file", "--outputs-file", tmp / "contract.json",
            "--ssh-key", key, "--ssh-dir", ssh_dir, "-o", tmp / "hosts.yml",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        control = Path(tempfile.mkdtemp(prefix="ewcp-"))  # unix socket paths must stay short
        markers = {name: f"MARK{uuid.uuid4().hex}" for name in SECRET_NAMES}
        run_tmp = tmp / "run-tmp"
        run_tmp.mkdir()
        env = {
            **markers,
            "ECOMOPS_REGISTRY": "registry.lab:5000",
            "ECOMOPS_REGISTRY_USER": "ci",
            "ECOMOPS_IMAGE_TAG": "0123abcd",
            # The suite's own known_hosts and control sockets, not the repository's.
            "ANSIBLE_SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=30s",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(control),
            "ANSIBLE_SSH_RETRIES": "0",
            "ANSIBLE_TIMEOUT": "5",
            "TMPDIR": str(run_tmp),
        }
        yield Lab(tmp, tmp / "hosts.yml", ssh_dir, app, bastion_private_ip, env, markers)
        shutil.rmtree(control, ignore_errors=True)
    finally:
        docker("rm", "-f", bastion, app, check=False)
        docker("network", "rm", public, private, check=False)


class SecretWatch:
    """While a run lasts, scan every process's command line and every file under the
    run's TMPDIR (ansible-runner's private data dir) for the markers."""

    def __init__(self, markers: dict[str, str], tmpdir: Path) -> None:
        self.markers = [m.encode() for m in markers.values()]
        self.tmpdir = tmpdir
        self.hits: list[str] = []
        self.private_dirs: dict[str, int] = {}
        self.files_scanned = 0
        self.sweeps = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> SecretWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        assert self.sweeps > 0 and not self._thread.is_alive()

    def _check(self, what: str, data: bytes) -> None:
        self.hits += [what for marker in self.markers if marker in data]

    @staticmethod
    def _listing(paths: Iterator[Path]) -> list[Path]:
        # Processes and files come and go while we look: a vanished one is skipped.
        try:
            return list(paths)
        except OSError:
            return []

    def _sweep(self) -> None:
        for proc in self._listing(Path("/proc").glob("[0-9]*/cmdline")):
            with contextlib.suppress(OSError):
                self._check(str(proc), proc.read_bytes())
        for path in self._listing(self.tmpdir.rglob("*")):
            with contextlib.suppress(OSError):
                if path.is_dir() and path.name.startswith("ecomops-run-"):
                    self.private_dirs.setdefault(path.name, path.stat().st_mode & 0o777)
                elif path.is_file():
                    self.files_scanned += 1
                    self._check(str(path), path.read_bytes())
        self.sweeps += 1

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sweep()
            time.sleep(0.05)


def deploy(lab: Lab, *args: str) -> tuple[subprocess.CompletedProcess[str], SecretWatch, Path]:
    junit = lab.tmp / f"junit-{uuid.uuid4().hex[:6]}.xml"
    with SecretWatch(lab.markers, Path(lab.env["TMPDIR"])) as watch:
        done = run_cli(
            "deploy", "-i", lab.inventory, "--playbook", SMOKE, "--junit", junit, *args,
            env=lab.env,
        )  # fmt: skip
    for marker in lab.markers.values():
        assert marker not in done.stdout and marker not in done.stderr
        assert marker not in junit.read_text()
    assert watch.hits == []
    assert watch.private_dirs, "the run's private data dir was never seen"
    assert set(watch.private_dirs.values()) == {0o700}
    assert list(Path(lab.env["TMPDIR"]).iterdir()) == [], "private data dir left behind"
    return done, watch, junit


def cases(junit: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(junit).getroot()  # noqa: S314 - our own report
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


@pytest.mark.parametrize("strategy", ["ecomops_linear", "linear"], ids=["mitogen", "plain-ssh"])
def test_deploy_through_the_bastion_with_secrets_only_on_the_host(lab, strategy):
    """Both ways ansible.cfg can run: through Mitogen (its default) and plain SSH."""
    lab = replace(lab, env={**lab.env, "ANSIBLE_STRATEGY": strategy})
    # Mitogen refuses unknown host keys: as site.yml does, meet the host first.
    met = run_cli(
        "deploy", "-i", lab.inventory, "--playbook", ROOT / "playbooks" / "host_keys.yml",
        "--limit", "wrapper_app", "--junit", lab.tmp / "host-keys.xml", env=lab.env,
    )  # fmt: skip
    assert met.returncode == 0, met.stderr
    done, watch, junit = deploy(lab, "--limit", "wrapper_app", "--serial", "50%", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["exit_code"] == 0 and report["image_tag"] == "0123abcd"
    assert report["hosts"]["wrapper_app"]["failed"] == 0
    assert report["hosts"]["wrapper_app"]["changed"] >= 1
    # Progress went to stderr, per task and host, with elapsed time.
    assert "TASK Store the secrets where only the host can read them" in done.stderr
    assert "wrapper_app" in done.stderr and "s]" in done.stderr
    # The secrets arrived where they belong: on the host, through the environment.
    stored = docker("exec", lab.app, "cat", "/root/secrets.env")
    for name, marker in lab.markers.items():
        assert f"{name}={marker}" in stored
    assert "ECOMOPS_IMAGE_TAG=0123abcd" in stored
    # The session came from the bastion's private address: ProxyJump was used.
    recorded = docker("exec", lab.app, "cat", "/root/ssh_connection")
    assert recorded.split()[0] == lab.bastion_private_ip
    assert "serial=50%" in recorded
    # The modules ran in Mitogen's interpreter exactly when Mitogen was asked for.
    (interpreter,) = (line for line in recorded.splitlines() if line.startswith("interpreter="))
    assert ("(mitogen:" in interpreter) == (strategy == "ecomops_linear"), interpreter
    # Host keys were checked and remembered in the project known_hosts.
    known = (lab.ssh_dir / "known_hosts").read_text()
    assert "[127.0.0.1]:" in known
    assert watch.files_scanned > 0
    names = {name for _, name in cases(junit)}
    assert "Exercise the wrapper through the bastion : Store the secrets where only the host " \
        "can read them" in names  # fmt: skip


def test_an_unreachable_host_exits_3_and_is_an_error_in_junit(lab):
    done, _, junit = deploy(lab, "--serial", "2", "--tags", "secrets")
    assert done.returncode == 3, done.stderr
    table = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:-1]}
    assert table["wrapper_gone"][3] == "1"  # UNREACHABLE column
    assert table["wrapper_app"][2] == "0"  # FAILED column
    found = cases(junit)
    errors = [key for key, case in found.items() if case.find("error") is not None]
    assert [host for host, _ in errors] == ["wrapper_gone"]
    assert any(host == "wrapper_app" for host, _ in found)


def test_a_failing_task_exits_1_and_is_a_failure_in_junit(lab):
    done, _, junit = deploy(lab, "--limit", "wrapper_app", "--tags", "fail")
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stderr
    (failure,) = [f for c in cases(junit).values() if (f := c.find("failure")) is not None]
    assert "deliberate failure of the smoke playbook" in (failure.text or "")


def test_ansible_runner_files_hold_no_secret(lab, tmp_path, monkeypatch):
    """Keep the private data dir this time and read everything ansible-runner wrote."""
    for name, value in lab.env.items():
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run = PlaybookRun(
        project_dir=Path(__file__).resolve().parents[2],
        playbook=SMOKE,
        inventory=lab.inventory,
        limit="wrapper_app",
        tags="secrets",
        env={"ECOMOPS_IMAGE_TAG": "0123abcd"},
    )
    outcome = run_playbook(run, EventTracker(None), data_dir)
    assert outcome.status == "successful", outcome.output_tail
    written = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"command", "stdout", "status", "rc"} <= names
    assert any(p.parent.name == "job_events" for p in written)
    assert not (data_dir / "env").exists() or not any((data_dir / "env").iterdir())
    command = json.loads(next(p for p in written if p.name == "command").read_text())
    # ansible-runner starts from our whole environment: the secrets' variables are blanked.
    assert {command["env"].get(name, "") for name in SECRET_NAMES} == {""}
    assert command["env"]["ANSIBLE_HOST_KEY_CHECKING"] == "True"
    for path in written:
        content = path.read_bytes()
        for marker in lab.markers.values():
            assert marker.encode() not in content, f"secret in {path}"
    assert os.environ["ECOMOPS_DB_PASSWORD"] == lab.markers["ECOMOPS_DB_PASSWORD"]


def test_status_asks_every_app_host_through_the_bastion_for_its_versions(lab):
    done = run_cli(
        "status", "-i", lab.inventory, "--checks", "versions", "--json",
        "--junit", lab.tmp / "status.xml", env=lab.env,
    )  # fmt: skip
    assert done.returncode == 6, done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    # The test host runs no containers: reached, asked, and found wanting.
    assert checks["wrapper_app/ecommerce-backend"]["detail"] == "container not found"
    assert checks["wrapper_gone"]["detail"] == "unreachable"
    assert not any(c["healthy"] for c in checks.values())


def test_sigterm_stops_ansible_and_removes_the_private_data_dir(lab):
    """What a Jenkins abort does: ansible-playbook runs in its own pty session, so only
    the wrapper can stop it; the run's private data dir must not outlive it."""
    run_tmp = Path(lab.env["TMPDIR"])
    proc = subprocess.Popen(
        [str(ECOMOPS), "deploy", "-i", str(lab.inventory), "--playbook", str(SMOKE),
         "--junit", str(lab.tmp / "cancel.xml"), "--limit", "wrapper_app", "--tags", "slow"],
        cwd=ROOT, env={**os.environ, **lab.env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    progress: list[str] = []
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: progress.extend(proc.stderr or []), daemon=True)
    reader.start()
    try:
        # Cancelled while the slow task runs on the host, as a Jenkins abort mid-deploy.
        wait_for(
            "the wrapper reporting the slow task started",
            lambda: any("Take a long time on request" in line for line in progress),
            120,
            0.2,
        )
        assert list(run_tmp.iterdir()), "the run's private data dir is missing"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        proc.kill()
    err = "".join(progress)
    assert proc.returncode == 130, err
    assert "cancelled" in err
    assert list(run_tmp.iterdir()) == []

    def playbook_processes() -> list[str]:
        return [_cmdline(p) for p in Path("/proc").glob("[0-9]*") if str(SMOKE) in _cmdline(p)]

    wait_for(
        "ansible-playbook gone after the cancelled deploy",
        lambda: not playbook_processes(),
        10,
        0.2,
    )


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
