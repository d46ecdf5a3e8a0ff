"""Integration: apply the whole root module against moto_server, check what was
created through the AWS API, plan again (no drift), destroy.

moto runs on a free 127.0.0.1 port and the AWS SDK inside the provider is
pointed at it with AWS_ENDPOINT_URL, so the real provider block is used
unchanged. tests/moto/ holds the only overrides: ignore_changes for
attributes moto does not read back (see its README). The stack is applied by
`ecomops provision` on a Jenkins agent, with the state kept the way README.md
("State") tells a team to: the S3 backend from backend.s3.tfbackend.example on
a moto bucket, with its S3 lock file.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import ROOT, TF_DIR, explain, terraform, terraform_env
from ecomops.terraform import BACKEND_OVERRIDE, backend_type, read_backend_config
from ecomops.waiting import wait_for

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
BACKEND_FILE = "backend.s3.tfbackend"
ECOMOPS = Path(sys.executable).parent / "ecomops"
KEY_NAME = "ecomops-test-terraform"
ADMIN_CIDR = "203.0.113.0/24"
# moto ships Canonical's xenial image (owner 099720109477): the AMI lookup
# itself is exercised, only the release differs from the default pattern.
TFVARS = f"""
admin_cidrs            = ["{ADMIN_CIDR}"]
key_name               = "{KEY_NAME}"
ami_name_pattern       = "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*"
db_deletion_protection = false
db_skip_final_snapshot = true
# moto does not implement MonitorInstances.
detailed_monitoring = false
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out
        )
    try:

        def accepting() -> bool:
            if server.poll() is not None:
                pytest.fail(f"moto_server exited:\n{log.read_text()[-2000:]}")
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True

        wait_for(
            f"moto_server accepting connections on 127.0.0.1:{port} ({log})", accepting, 30, 0.2
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    endpoint: str
    outputs: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    destroyed: bool = False

    @property
    def backend(self) -> dict[str, str]:
        return read_backend_config(self.workdir / BACKEND_FILE)

    @property
    def state_bucket(self) -> str:
        return self.backend["bucket"]

    @property
    def state_key(self) -> str:
        return self.backend["key"]

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def terraform(self, *args: str, step: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = terraform(*args, cwd=self.workdir, env=self.env, timeout=900)
        self.timings[step] = round(time.monotonic() - started, 1)
        return result

    def ecomops(self, command: str, *args: str, step: str) -> subprocess.CompletedProcess[str]:
        """`ecomops provision|destroy` on the S3 backend, as the Jenkinsfile runs it."""
        started = time.monotonic()
        result = subprocess.run(
            [ECOMOPS, command, "--project-dir", str(ROOT), "--terraform-dir", str(self.workdir),
             "--backend-config", str(self.workdir / BACKEND_FILE), *args],
            env=self.env, capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        self.timings[step] = round(time.monotonic() - started, 1)
        return result


@pytest.fixture(scope="module")
def stack(
    moto: str,
    tmp_path_factory: pytest.TempPathFactory,
    reports: Path,
    record_testsuite_property: Any,
) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("terraform") / "root"
    shutil.copytree(
        TF_DIR,
        workdir,
        ignore=shutil.ignore_patterns(
            ".terraform", "*.tfstate*", "*.tfvars", "*.tfbackend", "*_override.tf", "tests"
        ),
    )
    shutil.copytree(TF_DIR / "tests" / "moto", workdir, dirs_exist_ok=True)
    (workdir / "moto.auto.tfvars").write_text(TFVARS)
    env = terraform_env(
        # On an agent, ecomops refuses local state: this proves the S3 backend is used.
        JENKINS_URL="https://jenkins.example.com/",
        # moto answers on 127.0.0.1, not on <bucket>.s3.amazonaws.com.
        ECOMOPS_TF_BACKEND_ENDPOINT=moto,
        ECOMOPS_TF_BACKEND_USE_PATH_STYLE="true",
        # ecomops streams terraform's output: keep it readable in assertion messages.
        **{
            f"TF_CLI_ARGS_{command}": "-no-color"
            for command in ("init", "plan", "apply", "destroy")
        },
        AWS_ENDPOINT_URL=moto,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )
    env.pop("AWS_PROFILE", None)
    shutil.copy(TF_DIR / "backend.s3.tfbackend.example", workdir / BACKEND_FILE)
    stack = Stack(workdir=workdir, env=env, endpoint=moto)
    stack.client("ec2").create_key_pair(KeyName=KEY_NAME)
    s3 = stack.client("s3")
    s3.create_bucket(Bucket=stack.state_bucket)
    s3.put_bucket_versioning(
        Bucket=stack.state_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    provision = stack.ecomops("provision", step="provision")
    assert provision.returncode == 0, explain(provision)
    output = stack.terraform("output", "-json", step="output")
    assert output.returncode == 0, explain(output)
    stack.outputs = json.loads(output.stdout)
    (reports / "output.json").write_text(json.dumps(stack.outputs, indent=2) + "\n")
    (reports / "inventory.json").write_text(
        json.dumps(stack.outputs["inventory"]["value"], indent=2) + "\n"
    )
    try:
        yield stack
    finally:
        if not stack.destroyed:
            stack.terraform("destroy", "-auto-approve", "-input=false", "-no-color", step="destroy")
        (reports / "moto-timings.json").write_text(json.dumps(stack.timings, indent=2) + "\n")
        for step, seconds in stack.timings.items():
            record_testsuite_property(f"moto_{step}_seconds", seconds)


def test_apply_outputs_the_inventory_contract(stack: Stack) -> None:
    inventory = stack.outputs["inventory"]["value"]
    assert {
        k: inventory[k] for k in ("schema", "project", "environment", "region", "ssh_user")
    } == {
        "schema": 1,
        "project": "ecommerce",
        "environment": "aws",
        "region": "us-east-1",
        "ssh_user": "ubuntu",
    }
    bastions, apps = inventory["bastions"], inventory["app_servers"]
    assert [(b["name"], b["az"]) for b in bastions] == [
        ("ecommerce_bastion_az1", "us-east-1a"),
        ("ecommerce_bastion_az2", "us-east-1b"),
    ]
    assert [(a["name"], a["az"]) for a in apps] == [
        ("ecommerce_app_az1", "us-east-1a"),
        ("ecommerce_app_az2", "us-east-1b"),
    ]
    # Public addresses are the Elastic IPs EC2 holds for those instances.
    elastic_ips = {
        a["PublicIp"]: a["InstanceId"]
        for a in stack.client("ec2").describe_addresses()["Addresses"]
        if a.get("InstanceId")
    }
    ids = {h["name"]: h["instance_id"] for h in stack.outputs["bastions"]["value"]}
    ids[stack.outputs["monitoring"]["value"]["name"]] = stack.outputs["monitoring"]["value"][
        "instance_id"
    ]
    for bastion in bastions:
        assert elastic_ips.get(bastion["public_ip"]) == ids[bastion["name"]]
        assert ip_address(bastion["private_ip"]) in ip_network("10.0.0.0/16")
        assert bastion["ssh_port"] == 22
    for index, app in enumerate(apps):
        assert ip_address(app["private_ip"]) in ip_network(f"10.0.{11 + index}.0/24")
        assert app["instance_id"].startswith("i-")
    monitoring = inventory["monitoring"]
    assert monitoring["name"] == "ecommerce_monitoring"
    assert ip_address(monitoring["private_ip"]) in ip_network("172.31.0.0/16")
    assert elastic_ips.get(monitoring["public_ip"]) == ids["ecommerce_monitoring"]
    assert inventory["database"]["port"] == 5432
    assert inventory["database"]["address"].startswith("ecommerce-db.")
    assert (inventory["database"]["name"], inventory["database"]["username"]) == (
        "ecommerce",
        "ecommerce",
    )
    lb = inventory["load_balancer"]
    assert lb["kind"] == "alb"
    assert lb["url"] == f"http://{lb['dns_name']}"
    assert lb["target_group_arn"].startswith("arn:aws:elasticloadbalancing:us-east-1:")
    assert lb["haproxy_socket"] is None
    assert lb["haproxy_backend"] is None
    # No secret: the database password only by the ARN of the secret RDS keeps it in.
    database = dict(inventory["database"])
    assert database.pop("password_secret_arn").startswith("arn:aws:secretsmanager:us-east-1:")
    assert "password" not in json.dumps({**inventory, "database": database}).lower()


def test_instances_are_tagged_hardened_and_placed(stack: Stack) -> None:
    ec2 = stack.client("ec2")
    reservations = ec2.describe_instances(
        Filters=[
            {"Name": "tag:Project", "Values": ["ecommerce"]},
            {"Name": "instance-state-name", "Values": ["running"]},
        ]
    )["Reservations"]
    instances = {
        tags["Name"]: (i, tags)
        for r in reservations
        for i in r["Instances"]
        for tags in [{t["Key"]: t["Value"] for t in i["Tags"]}]
    }
    assert sorted(instances) == [
        "ecommerce_app_az1",
        "ecommerce_app_az2",
        "ecommerce_bastion_az1",
        "ecommerce_bastion_az2",
        "ecommerce_monitoring",
    ]
    for name, (instance, tags) in instances.items():
        assert tags["Role"] in name
        assert tags["AZ"] == instance["Placement"]["AvailabilityZone"]
        assert instance["MetadataOptions"]["HttpTokens"] == "required"
        assert instance["KeyName"] == KEY_NAME
        volumes = ec2.describe_volumes(
            VolumeIds=[m["Ebs"]["VolumeId"] for m in instance["BlockDeviceMappings"]]
        )["Volumes"]
        assert volumes
        assert all(v["Encrypted"] for v in volumes)
    for name in ("ecommerce_app_az1", "ecommerce_app_az2"):
        assert not instances[name][0].get("PublicIpAddress"), f"{name} must stay private"


def _sg(ec2: Any, name: str) -> dict[str, Any]:
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])
    assert len(groups["SecurityGroups"]) == 1, name
    return groups["SecurityGroups"][0]


def _ingress(group: dict[str, Any]) -> set[tuple[int, str]]:
    """(port, source) pairs; a source is a CIDR or a security group ID."""
    rules = set()
    for perm in group["IpPermissions"]:
        for cidr in perm.get("IpRanges", []):
            rules.add((perm["FromPort"], cidr["CidrIp"]))
        for pair in perm.get("UserIdGroupPairs", []):
            rules.add((perm["FromPort"], pair["GroupId"]))
    return rules


def test_security_groups_open_only_what_the_issue_lists(stack: Stack) -> None:
    ec2 = stack.client("ec2")
    app, bastion = _sg(ec2, "wl6vpc-app"), _sg(ec2, "ecommerce-bastion")
    monitoring, alb = _sg(ec2, "ecommerce-monitoring"), _sg(ec2, "ecommerce-alb-alb")
    database = _sg(ec2, "ecommerce-db-db")
    assert _ingress(app) == {
        (22, bastion["GroupId"]),
        (3000, alb["GroupId"]),
        (9100, monitoring["GroupId"]),
        (8000, monitoring["GroupId"]),
        (8001, monitoring["GroupId"]),
    }
    assert _ingress(bastion) == {(22, ADMIN_CIDR)}
    # SSH to the monitoring server only through the bastions (ProxyJump over the peering).
    assert _ingress(monitoring) == {
        (22, bastion["GroupId"]),
        (9090, ADMIN_CIDR),
        (3000, ADMIN_CIDR),
    }
    assert _ingress(database) == {(5432, app["GroupId"])}
    assert _ingress(alb) == {(80, "0.0.0.0/0")}
    everything = ec2.describe_security_groups()["SecurityGroups"]
    for group in everything:
        for port, source in _ingress(group):
            if source == "0.0.0.0/0":
                closed = {22, 5432, 8000, 8001, 9100}
                assert port not in closed, f"{group['GroupName']} opens {port}"


def test_network_has_nat_per_az_and_peering_routes(stack: Stack) -> None:
    ec2 = stack.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["wl6vpc"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    assert sorted(s["CidrBlock"] for s in subnets["Subnets"]) == sorted(
        f"10.0.{n}.0/24" for n in (1, 2, 11, 12, 21, 22)
    )
    nat = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    nat_by_subnet = {n["SubnetId"]: n["NatGatewayId"] for n in nat["NatGateways"]}
    assert len(nat_by_subnet) == 2
    peering = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    [pcx] = [p for p in peering if p["RequesterVpcInfo"]["VpcId"] == vpc["VpcId"]]
    assert pcx["Status"]["Code"] == "active"
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    assert pcx["AccepterVpcInfo"]["VpcId"] == default_vpc["VpcId"]
    tables = ec2.describe_route_tables()["RouteTables"]
    default_main = next(
        t
        for t in tables
        if t["VpcId"] == default_vpc["VpcId"] and any(a.get("Main") for a in t["Associations"])
    )
    assert any(
        r.get("DestinationCidrBlock") == "10.0.0.0/16"
        and r.get("VpcPeeringConnectionId") == pcx["VpcPeeringConnectionId"]
        for r in default_main["Routes"]
    ), "the default VPC has no route back to the app servers"
    private = [
        t for t in tables if t.get("Tags") and {"Key": "Tier", "Value": "private"} in t["Tags"]
    ]
    assert len(private) == 2
    # The bastions' (public) table too: they are the monitoring server's jump hosts.
    [public] = [t for t in tables if {"Key": "Tier", "Value": "public"} in t.get("Tags", [])]
    for table in [*private, public]:
        routes = {r.get("DestinationCidrBlock"): r for r in table["Routes"]}
        assert routes["172.31.0.0/16"]["VpcPeeringConnectionId"] == pcx["VpcPeeringConnectionId"]
    for table in private:
        routes = {r.get("DestinationCidrBlock"): r for r in table["Routes"]}
        assert routes["0.0.0.0/0"]["NatGatewayId"] in nat_by_subnet.values()
    used_nats = {
        {r.get("DestinationCidrBlock"): r for r in t["Routes"]}["0.0.0.0/0"]["NatGatewayId"]
        for t in private
    }
    assert len(used_nats) == 2, "each AZ's private table must use its own NAT gateway"


def test_database_and_load_balancer(stack: Stack) -> None:
    rds = stack.client("rds")
    [db] = rds.describe_db_instances(DBInstanceIdentifier="ecommerce-db")["DBInstances"]
    assert db["StorageEncrypted"]
    assert db["MultiAZ"]
    assert not db["PubliclyAccessible"]
    assert db["BackupRetentionPeriod"] == 7
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    assert secret_arn == stack.outputs["db_master_user_secret_arn"]["value"]
    assert secret_arn == stack.outputs["inventory"]["value"]["database"]["password_secret_arn"]
    subnet_cidrs = {
        s["CidrBlock"]
        for s in stack.client("ec2").describe_subnets(
            SubnetIds=[s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]]
        )["Subnets"]
    }
    assert subnet_cidrs == {"10.0.21.0/24", "10.0.22.0/24"}

    elb = stack.client("elbv2")
    [lb] = elb.describe_load_balancers(Names=["ecommerce-alb"])["LoadBalancers"]
    attributes = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])[
            "Attributes"
        ]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    tg_arn = stack.outputs["inventory"]["value"]["load_balancer"]["target_group_arn"]
    [tg] = elb.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"]
    assert (tg["Port"], tg["HealthCheckPath"]) == (3000, "/healthz")
    targets = elb.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    assert {t["Target"]["Id"] for t in targets} == {
        a["instance_id"] for a in stack.outputs["inventory"]["value"]["app_servers"]
    }


def _ecomops_inventory(stack: Stack, tmp_path: Path, *source: str) -> dict[str, Any]:
    output = ["--format", "json", "-o", "-", "--ssh-dir", str(tmp_path / "ssh")]
    done = subprocess.run(
        [ECOMOPS, "inventory", "--project-dir", str(ROOT), *source, *output],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def _hosts(inventory: dict[str, Any]) -> dict[str, set[str]]:
    groups = inventory["all"]["children"]
    return {group: set(groups[group]["hosts"]) for group in sorted(groups)}


def test_wrapper_builds_its_inventory_from_outputs_and_from_tags(
    stack: Stack, tmp_path: Path
) -> None:
    # The acceptance test of the contract: `ecomops inventory` reads the saved
    # `terraform output -json` unchanged, and finds the same hosts by their tags.
    expected = {
        "app_servers": {"ecommerce_app_az1", "ecommerce_app_az2"},
        "az_us_east_1a": {"ecommerce_app_az1", "ecommerce_bastion_az1", "ecommerce_monitoring"},
        "az_us_east_1b": {"ecommerce_app_az2", "ecommerce_bastion_az2"},
        "bastions": {"ecommerce_bastion_az1", "ecommerce_bastion_az2"},
        "monitoring": {"ecommerce_monitoring"},
    }
    saved = stack.workdir / "outputs.json"
    saved.write_text(json.dumps(stack.outputs))
    from_outputs = _ecomops_inventory(
        stack, tmp_path, "--from", "terraform", "--outputs-file", str(saved)
    )
    assert _hosts(from_outputs) == expected
    app = from_outputs["all"]["children"]["app_servers"]["hosts"]["ecommerce_app_az2"]
    assert app["ecomops_bastion"] == "ecommerce_bastion_az2"
    from_tags = _ecomops_inventory(
        stack, tmp_path, "--from", "aws", "--project", "ecommerce", "--region", "us-east-1"
    )
    assert _hosts(from_tags) == expected


def test_state_is_in_s3_and_locked_while_in_use(stack: Stack) -> None:
    s3 = stack.client("s3")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=stack.state_bucket)["Contents"]}
    assert keys == {stack.state_key}, "the state, and no lock left behind"
    state = json.loads(s3.get_object(Bucket=stack.state_bucket, Key=stack.state_key)["Body"].read())
    assert state["outputs"]["inventory"]["value"] == stack.outputs["inventory"]["value"]
    assert not list(stack.workdir.glob("*.tfstate")), "no local state next to the S3 backend"
    assert (stack.workdir / BACKEND_OVERRIDE).is_file(), "written by ecomops provision"
    assert backend_type(stack.workdir) == "s3"
    settled = json.loads((stack.workdir / ".terraform" / "terraform.tfstate").read_text())
    assert settled["backend"]["config"]["use_lockfile"] is True
    assert settled["backend"]["config"]["endpoints"]["s3"] == stack.endpoint
    # Someone else's run holds the lock: ours must refuse to touch the state.
    lock = f"{stack.state_key}.tflock"
    s3.put_object(Bucket=stack.state_bucket, Key=lock, Body=b'{"ID": "1", "Who": "ci@elsewhere"}')
    try:
        plan = stack.ecomops("provision", "--plan-only", step="plan_locked")
    finally:
        s3.delete_object(Bucket=stack.state_bucket, Key=lock)
    assert plan.returncode == 5, explain(plan)
    assert "Error acquiring the state lock" in plan.stderr
    assert "ci@elsewhere" in plan.stderr


def test_plan_after_apply_shows_no_drift(stack: Stack) -> None:
    plan = stack.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color", step="plan")
    assert plan.returncode == 0, f"drift after apply (exit 2 = changes):\n{explain(plan)}"


def test_destroy_removes_everything(stack: Stack) -> None:
    destroy = stack.ecomops("destroy", "--confirm", step="destroy")
    stack.destroyed = destroy.returncode == 0
    assert destroy.returncode == 0, explain(destroy)
    state = stack.terraform("state", "list", step="state")
    assert state.stdout.strip() == ""
    ec2 = stack.client("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["wl6vpc"]}])["Vpcs"] == []
    running = ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )["Reservations"]
    assert running == []
    assert stack.client("rds").describe_db_instances()["DBInstances"] == []
    assert stack.client("elbv2").describe_load_balancers()["LoadBalancers"] == []
