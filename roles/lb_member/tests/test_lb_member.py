"""lb_member against a real HAProxy (admin socket) and an ALB emulated by moto_server.

    .venv/bin/pytest roles/lb_member/tests

Each test runs the role with ansible-playbook on the control node, as the
rolling deploy does, and reads the load balancer's state back.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from ecomops.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
HAPROXY_IMAGE = os.environ.get("ECOMOPS_HAPROXY_IMAGE", "ecomops/haproxy:latest")
HAPROXY_CFG = """\
global
    stats socket /sock/admin.sock mode 666 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
backend app_servers
    option httpchk GET /
    server app_up 127.0.0.1:8001 check inter 1s
    server app_down 127.0.0.1:8002 check inter 1s
"""
PLAY = """\
- name: Move a host in or out of the load balancer
  hosts: "{{ target }}"
  gather_facts: false
  roles:
    - role: lb_member
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Run:
    changed: int
    failed: int
    output: str


def run_role(workdir: Path, target: str, state: str, **variables: object) -> Run:
    """Run the role for `target` on the control node, as the rolling deploy does."""
    inventory = workdir / "inventory.json"
    hosts = {"app_up": {}, "app_down": {}, "app_alb": {}}
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    groups = {"app_servers": {"hosts": hosts}}
    inventory.write_text(json.dumps({"all": {"vars": local, "children": groups}}))
    (workdir / "play.yml").write_text(PLAY)
    extra = {"target": target, "lb_member_state": state, **variables}
    result = subprocess.run(
        [BIN / "ansible-playbook", "-i", inventory, workdir / "play.yml", "-e", json.dumps(extra)],
        cwd=ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    recap = next(line for line in result.stdout.splitlines() if line.startswith(f"{target} "))
    fields = dict(field.split("=") for field in recap.split(":", 1)[1].split())
    return Run(int(fields["changed"]), int(fields["failed"]), result.stdout)


@pytest.fixture(scope="module")
def haproxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    if shutil.which("docker") is None:
        pytest.skip("docker is needed for the HAProxy tests")
    folder = tmp_path_factory.mktemp("haproxy")
    (folder / "sock").mkdir()
    (folder / "haproxy.cfg").write_text(HAPROXY_CFG)
    name = f"ecomops-test-roles-mon-haproxy-{uuid.uuid4().hex[:8]}"
    # app_up answers health checks; nothing listens for app_down.
    script = "python3 -m http.server 8001 --bind 127.0.0.1 & exec haproxy -db -f /cfg/haproxy.cfg"
    mounts = ["-v", f"{folder}:/cfg:ro", "-v", f"{folder / 'sock'}:/sock"]
    subprocess.run(
        ["docker", "run", "-d", "--name", name, *mounts, "--entrypoint", "/bin/bash",
         HAPROXY_IMAGE, "-c", script],
        check=True, capture_output=True,
    )  # fmt: skip
    variables = {
        "ecomops_lb_kind": "haproxy",
        "ecomops_haproxy_socket": str(folder / "sock" / "admin.sock"),
        "ecomops_haproxy_backend": "app_servers",
    }
    try:
        # HAProxy starts every server UP and marks app_down DOWN after its failed checks.
        wait_for(
            "HAProxy seeing app_up UP and app_down DOWN",
            lambda: (status(variables, "app_up"), status(variables, "app_down")) == ("UP", "DOWN"),
            60,
        )
        yield variables
    finally:
        subprocess.run(["docker", "rm", "-f", name], check=False, capture_output=True)


def status(variables: dict[str, object], server: str) -> str | None:
    script = ROOT / "roles/lb_member/files/haproxy_server_status.py"
    socket_path, backend = variables["ecomops_haproxy_socket"], variables["ecomops_haproxy_backend"]
    result = subprocess.run(
        [sys.executable, script, str(socket_path), str(backend), server],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return json.loads(result.stdout)["status"] if result.returncode == 0 else None


def test_haproxy_out_drains_a_serving_server_then_in_brings_it_back(
    haproxy: dict[str, object], tmp_path: Path
) -> None:
    first = run_role(tmp_path, "app_up", "out", **haproxy)
    assert (first.failed, first.changed) == (0, 1), first.output
    assert status(haproxy, "app_up") == "MAINT"
    assert run_role(tmp_path, "app_up", "out", **haproxy).changed == 0
    back = run_role(tmp_path, "app_up", "in", **haproxy)
    assert (back.failed, back.changed) == (0, 1), back.output
    # Straight after it comes back HAProxy says "UP 1/3": serving, health counter filling.
    assert str(status(haproxy, "app_up")).split()[0] == "UP"
    assert run_role(tmp_path, "app_up", "in", **haproxy).changed == 0


def test_haproxy_out_takes_a_down_server_out_without_waiting_for_a_drain(
    haproxy: dict[str, object], tmp_path: Path
) -> None:
    assert status(haproxy, "app_down") == "DOWN"
    # Five status polls: the run must not wait for a drain a DOWN server cannot do.
    result = run_role(tmp_path, "app_down", "out", lb_member_haproxy_wait_retries=5, **haproxy)
    assert result.failed == 0, result.output
    assert status(haproxy, "app_down") == "MAINT"


def test_haproxy_unknown_server_fails_loudly(haproxy: dict[str, object], tmp_path: Path) -> None:
    result = run_role(tmp_path, "app_up", "out", lb_member_haproxy_server="nope", **haproxy)
    assert result.failed == 1
    assert "no server nope in backend app_servers" in result.output


@pytest.fixture(scope="module")
def alb() -> Iterator[dict[str, object]]:
    port = free_port()
    server = subprocess.Popen(
        [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    env = {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }  # fmt: skip
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        wait_for(
            f"moto_server accepting connections on 127.0.0.1:{port}",
            lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True,
            30,
            0.3,
        )
        ec2, elb = boto3.client("ec2"), boto3.client("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.11.0/24")["Subnet"]["SubnetId"]
        instance = ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet
        )
        group = elb.create_target_group(
            Name="ecommerce-app", Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="instance"
        )["TargetGroups"][0]["TargetGroupArn"]
        instance_id = instance["Instances"][0]["InstanceId"]
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": instance_id}])
        yield {
            "ecomops_lb_kind": "alb",
            "ecomops_target_group_arn": group,
            "ecomops_instance_id": instance_id,
            "ecomops_region": "us-east-1",
            "lb_member_alb_timeout": 30,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def targets(variables: dict[str, object]) -> dict[str, str]:
    health = boto3.client("elbv2").describe_target_health(
        TargetGroupArn=str(variables["ecomops_target_group_arn"])
    )["TargetHealthDescriptions"]
    return {t["Target"]["Id"]: t["TargetHealth"]["State"] for t in health}


def test_alb_out_deregisters_and_in_registers_the_instance(
    alb: dict[str, object], tmp_path: Path
) -> None:
    instance = str(alb["ecomops_instance_id"])
    out = run_role(tmp_path, "app_alb", "out", **alb)
    assert (out.failed, out.changed) == (0, 1), out.output
    assert instance not in targets(alb)
    assert run_role(tmp_path, "app_alb", "out", **alb).changed == 0
    back = run_role(tmp_path, "app_alb", "in", **alb)
    assert (back.failed, back.changed) == (0, 1), back.output
    assert targets(alb)[instance] == "healthy"


def test_alb_without_an_instance_id_says_how_to_fix_the_inventory(
    alb: dict[str, object], tmp_path: Path
) -> None:
    result = run_role(tmp_path, "app_alb", "out", **{**alb, "ecomops_instance_id": None})
    assert result.failed == 1
    assert "rebuild the inventory with `ecomops inventory`" in result.output
