"""Discovery by tags and target health, against a real moto_server (boto3 over HTTP)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from conftest import ROOT, run_cli
from ecomops.waiting import wait_for

from ecomops import aws

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
# The folder ops pass with -i: the plugin's config and its group_vars (ProxyJump).
EC2_INVENTORY = ROOT / "inventories" / "aws_ec2"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto() -> Iterator[dict[str, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            f"moto_server answering at {url}",
            lambda: urllib.request.urlopen(f"{url}/moto-api/", timeout=1),  # noqa: S310
            30,
            0.2,
        )
        env = {**CREDENTIALS, "AWS_ENDPOINT_URL": url, "AWS_URL": url}
        seed(boto3.Session(region_name="us-east-1"), url)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


def seed(session: boto3.Session, url: str) -> None:
    """What the Terraform configuration creates, tagged the same way."""
    kw = {"endpoint_url": url, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    ec2 = session.client("ec2", **kw)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ami = ec2.describe_images()["Images"][0]["ImageId"]

    def subnet(cidr: str, az: str) -> str:
        made = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)
        return made["Subnet"]["SubnetId"]

    def instance(subnet_id: str, name: str, role: str, az: str, project: str = "ecommerce") -> str:
        tags = {"Name": name, "Project": project, "Role": role, "AZ": az}
        made = ec2.run_instances(
            ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet_id,
                                "AssociatePublicIpAddress": role != "app"}],
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}],
        )  # fmt: skip
        return made["Instances"][0]["InstanceId"]

    public_a, public_b = subnet("10.0.1.0/24", "us-east-1a"), subnet("10.0.2.0/24", "us-east-1b")
    private_a, private_b = (
        subnet("10.0.11.0/24", "us-east-1a"),
        subnet("10.0.12.0/24", "us-east-1b"),
    )
    private_c = subnet("10.0.13.0/24", "us-east-1c")
    instance(public_a, "ecommerce_bastion_az1", "bastion", "us-east-1a")
    instance(public_b, "ecommerce_bastion_az2", "bastion", "us-east-1b")
    apps = [
        instance(private_a, "ecommerce_app_az1", "app", "us-east-1a"),
        instance(private_b, "ecommerce_app_az2", "app", "us-east-1b"),
    ]
    instance(public_a, "ecommerce_monitoring", "monitoring", "us-east-1a")
    # Another project whose app server has no bastion in its AZ.
    instance(public_a, "broken_bastion_az1", "bastion", "us-east-1a", "broken")
    instance(private_c, "broken_app_az3", "app", "us-east-1c", "broken")
    instance(public_a, "broken_monitoring", "monitoring", "us-east-1a", "broken")
    project_tag = [{"Key": "Project", "Value": "ecommerce"}]
    session.client("rds", **kw).create_db_instance(
        DBInstanceIdentifier="ecommerce-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        DBName="ecommerce", MasterUsername="ecommerce", ManageMasterUserPassword=True,
        AllocatedStorage=20, Tags=project_tag,
    )  # fmt: skip
    elb = session.client("elbv2", **kw)
    lb = elb.create_load_balancer(
        Name="ecommerce-alb", Subnets=[public_a, public_b], Tags=project_tag
    )["LoadBalancers"][0]
    tg = elb.create_target_group(
        Name="ecommerce-app", Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )  # fmt: skip
    elb.register_targets(
        TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": i, "Port": 3000} for i in apps]
    )


@pytest.fixture(scope="module")
def aws_inventory(moto, tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("aws")
    done = run_cli(
        "inventory", "--from", "aws", "--region", "us-east-1", "--ssh-dir", tmp / "ssh",
        "-o", tmp / "hosts.yml", "--json", env=moto,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = subprocess.run(
        [BIN / "ansible-inventory", "-i", tmp / "hosts.yml", "--list"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return tmp / "hosts.yml", json.loads(listed.stdout)


def test_discovery_by_tags_builds_the_same_groups(aws_inventory):
    _, seen = aws_inventory
    assert seen["bastions"]["hosts"] == ["ecommerce_bastion_az1", "ecommerce_bastion_az2"]
    assert seen["app_servers"]["hosts"] == ["ecommerce_app_az1", "ecommerce_app_az2"]
    assert seen["monitoring"]["hosts"] == ["ecommerce_monitoring"]
    assert "broken_app_az3" not in seen["_meta"]["hostvars"]


def test_discovered_app_servers_jump_through_their_az_bastion(aws_inventory):
    _, seen = aws_inventory
    app2 = seen["_meta"]["hostvars"]["ecommerce_app_az2"]
    assert app2["ansible_host"].startswith("10.0.12.")
    assert app2["ansible_ssh_common_args"].endswith("-o ProxyJump=ecommerce_bastion_az2")
    bastion2 = seen["_meta"]["hostvars"]["ecommerce_bastion_az2"]
    assert bastion2["ecomops_private_ip"].startswith("10.0.2.")
    assert not bastion2["ansible_host"].startswith("10.")


def client(env: dict[str, str], service: str) -> Any:
    """A boto3 client of the moto_server `env` points at."""
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def db_secret_arn(env: dict[str, str]) -> str:
    [db] = client(env, "rds").describe_db_instances(DBInstanceIdentifier="ecommerce-db")[
        "DBInstances"
    ]
    return db["MasterUserSecret"]["SecretArn"]


def test_rds_endpoint_and_alb_come_from_their_apis(aws_inventory, moto):
    _, seen = aws_inventory
    app1 = seen["_meta"]["hostvars"]["ecommerce_app_az1"]
    assert app1["ecomops_db_host"].startswith("ecommerce-db.")
    # The password RDS manages is named by its secret's ARN, never given.
    assert app1["ecomops_db_password_secret_arn"] == db_secret_arn(moto)
    assert (app1["ecomops_db_port"], app1["ecomops_db_name"]) == (5432, "ecommerce")
    assert app1["ecomops_lb_dns_name"].startswith("ecommerce-alb")
    assert ":targetgroup/ecommerce-app/" in app1["ecomops_target_group_arn"]


def test_an_az_without_bastion_is_named(moto):
    done = run_cli(
        "inventory", "--from", "aws", "--project", "broken", "--region", "us-east-1", "-o", "-",
        env=moto,
    )  # fmt: skip
    assert done.returncode == 2
    assert "broken_app_az3): no bastion in its AZ 'us-east-1c'" in done.stderr
    assert "database: expected an object" in done.stderr


def test_a_project_without_instances_says_where_it_looked(moto):
    done = run_cli(
        "inventory", "--from", "aws", "--project", "nothing", "--region", "us-east-1", "-o", "-",
        env=moto,
    )  # fmt: skip
    assert done.returncode == 2
    assert "no running instance tagged Project=nothing" in done.stderr
    assert "us-east-1" in done.stderr


def without_credentials(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """`env` with no AWS credentials anywhere boto3 looks."""
    return {
        **env,
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "none"),
        "AWS_CONFIG_FILE": str(tmp / "none"),
    }


def test_missing_aws_credentials_exit_4(moto, tmp_path):
    env = without_credentials(moto, tmp_path)
    done = run_cli("inventory", "--from", "aws", "--region", "us-east-1", "-o", "-", env=env)
    assert done.returncode == 4, done.stderr
    assert "AWS_PROFILE" in done.stderr


def test_status_reports_alb_target_health(moto, aws_inventory):
    inventory, _ = aws_inventory
    done = run_cli(
        "status", "-i", inventory, "--checks", "lb", "--json", "--junit",
        inventory.parent / "status.xml", env=moto,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["healthy"] is True
    assert [c["kind"] for c in report["checks"]] == ["load_balancer", "load_balancer"]
    assert all(c["name"].endswith(":3000") for c in report["checks"])


def test_the_aws_ec2_plugin_config_gives_ops_the_same_groups_and_jumps(moto):
    graph = subprocess.run(
        [BIN / "ansible-inventory", "-i", EC2_INVENTORY, "--list"],
        capture_output=True, text=True, check=True, env={**_base_env(), **moto}, cwd=ROOT,
    )  # fmt: skip
    seen = json.loads(graph.stdout)
    assert sorted(seen["app_servers"]["hosts"]) == ["ecommerce_app_az1", "ecommerce_app_az2"]
    assert set(seen["az_us_east_1b"]["hosts"]) == {"ecommerce_bastion_az2", "ecommerce_app_az2"}
    hostvars = seen["_meta"]["hostvars"]
    assert plain(hostvars["ecommerce_app_az1"]["ansible_host"]).startswith("10.0.11.")
    # The ProxyJump is a template resolved per host at run time: ask Ansible for it.
    shown = subprocess.run(
        [BIN / "ansible", "-i", EC2_INVENTORY, "app_servers", "-m", "ansible.builtin.debug",
         "-a", "var=ansible_ssh_common_args"],
        capture_output=True, text=True, check=True, env={**_base_env(), **moto}, cwd=ROOT,
    )  # fmt: skip
    bastion2_ip = plain(hostvars["ecommerce_bastion_az2"]["ansible_host"])
    assert f"ProxyJump=ubuntu@{bastion2_ip}" in shown.stdout
    assert "broken" not in shown.stdout
    # The monitoring server, too, is reached on its private address through a bastion.
    monitoring = hostvars["ecommerce_monitoring"]
    assert plain(monitoring["ansible_host"]) == plain(monitoring["ecomops_private_ip"])
    shown = subprocess.run(
        [BIN / "ansible", "-i", EC2_INVENTORY, "monitoring", "-m", "ansible.builtin.debug",
         "-a", "var=ansible_ssh_common_args"],
        capture_output=True, text=True, check=True, env={**_base_env(), **moto}, cwd=ROOT,
    )  # fmt: skip
    bastion1_ip = plain(hostvars["ecommerce_bastion_az1"]["ansible_host"])
    assert f"ProxyJump=ubuntu@{bastion1_ip}" in shown.stdout


def test_limit_is_checked_against_the_dynamic_inventory(moto):
    done = run_cli(
        "deploy", "-i", EC2_INVENTORY, "--limit", "ecommerce_app_az9",
        "--image-tag", "abc123", env=moto,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "no host or group named 'ecommerce_app_az9'" in done.stderr
    assert "ecommerce_app_az1, ecommerce_app_az2" in done.stderr


CONTRACT_VARIABLES = (
    "ecomops_db_host", "ecomops_db_port", "ecomops_db_name", "ecomops_db_user",
    "ecomops_lb_kind", "ecomops_lb_dns_name", "ecomops_lb_url", "ecomops_target_group_arn",
)  # fmt: skip


def run_discovery(
    inventory: Path, env: dict[str, str], tmp: Path
) -> tuple[subprocess.CompletedProcess[str], dict]:
    """playbooks/discover.yml, then a play that shows each host its contract variables
    and the ARN of its database password's secret (null without one), without contacting
    it; Ansible's report as JSON."""
    playbook = tmp / "discover_then_show.yml"
    show = (
        "{{ dict(names | zip(names | map('extract', hostvars[inventory_hostname])))"
        " | combine({'ecomops_db_password_secret_arn':"
        " ecomops_db_password_secret_arn | default(None)}) }}"
    )
    discover = str(ROOT / "playbooks" / "discover.yml")
    playbook.write_text(
        yaml.safe_dump([
            {"name": "Discover", "ansible.builtin.import_playbook": discover},
            {"name": "Show", "hosts": "all", "gather_facts": False,
             "vars": {"names": list(CONTRACT_VARIABLES)},
             "tasks": [{"name": "Show", "ansible.builtin.debug": {"msg": show}}]},
        ])
    )  # fmt: skip
    done = subprocess.run(
        [BIN / "ansible-playbook", "-i", inventory, playbook], capture_output=True, text=True,
        env={**_base_env(), **env, "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}, cwd=ROOT,
    )  # fmt: skip
    return done, json.loads(done.stdout)


def results(play: dict, task: str) -> dict[str, dict]:
    """Each host's result of the task named `task` in a play of the JSON report, which
    lists a task once per host under Mitogen and once for all hosts otherwise."""
    return {host: result for entry in play["tasks"] if entry["task"]["name"] == task
            for host, result in entry["hosts"].items()}  # fmt: skip


def shown(report: dict) -> dict[str, dict]:
    """Each host's contract variables, as the play after the discovery saw them."""
    (show,) = [play for play in report["plays"] if play["play"]["name"] == "Show"]
    return {host: result["msg"] for host, result in results(show, "Show").items()}


def test_site_discovers_the_database_and_load_balancer_the_ec2_inventory_lacks(moto, tmp_path):
    done, report = run_discovery(EC2_INVENTORY, moto, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    kw = {"region_name": "us-east-1", "endpoint_url": moto["AWS_ENDPOINT_URL"],
          "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # fmt: skip
    db = boto3.client("rds", **kw).describe_db_instances(DBInstanceIdentifier="ecommerce-db")
    elb = boto3.client("elbv2", **kw)
    lb = elb.describe_load_balancers(Names=["ecommerce-alb"])["LoadBalancers"][0]
    group = elb.describe_target_groups(Names=["ecommerce-app"])["TargetGroups"][0]
    endpoint = db["DBInstances"][0]["Endpoint"]
    expected = {
        "ecomops_db_host": endpoint["Address"], "ecomops_db_port": endpoint["Port"],
        "ecomops_db_name": "ecommerce", "ecomops_db_user": "ecommerce",
        "ecomops_lb_kind": "alb", "ecomops_lb_dns_name": lb["DNSName"],
        "ecomops_lb_url": f"http://{lb['DNSName']}",
        "ecomops_target_group_arn": group["TargetGroupArn"],
        # RDS keeps the password: the instance names its secret (MasterUserSecret).
        "ecomops_db_password_secret_arn": db_secret_arn(moto),
    }  # fmt: skip
    given = shown(report)
    assert sorted(given) == [
        "ecommerce_app_az1", "ecommerce_app_az2", "ecommerce_bastion_az1",
        "ecommerce_bastion_az2", "ecommerce_monitoring",
    ]  # fmt: skip
    assert all(variables == expected for variables in given.values()), given


def test_discovery_stops_the_run_before_any_host_when_nothing_is_tagged(moto, tmp_path):
    """Project `broken` has instances, but no RDS instance or ALB."""
    config = yaml.safe_load((EC2_INVENTORY / "aws_ec2.yml").read_text())
    config["filters"]["tag:Project"] = "broken"
    inventory = tmp_path / "aws_ec2.yml"
    inventory.write_text(yaml.safe_dump(config))
    done, report = run_discovery(inventory, moto, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "AWS account 123456789012 (arn:aws:sts::123456789012:user/moto) holds no RDS instance "
        "and no application load balancer with a target group tagged Project=broken in us-east-1"
    ) in done.stdout
    # No play after the discovery started, and no host was reached.
    assert "Show" not in [play["play"]["name"] for play in report["plays"]]
    assert not any(totals["unreachable"] for totals in report["stats"].values())


def without_db_secret(inventory: Path, tmp: Path) -> Path:
    """A copy of a generated inventory for a database whose password is given."""
    content = yaml.safe_load(inventory.read_text())
    del content["all"]["vars"]["ecomops_db_password_secret_arn"]
    copy = tmp / "hosts-without-secret.yml"
    copy.write_text(yaml.safe_dump(content))
    return copy


def test_a_generated_inventory_is_used_as_it_is_without_asking_aws(aws_inventory, moto, tmp_path):
    inventory, listed = aws_inventory
    inventory = without_db_secret(inventory, tmp_path)
    done, report = run_discovery(inventory, without_credentials(moto, tmp_path), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    app1 = listed["_meta"]["hostvars"]["ecommerce_app_az1"]
    # Its database has a given password: no secret is looked for.
    assert shown(report)["ecommerce_app_az1"] == {
        **{name: app1[name] for name in CONTRACT_VARIABLES},
        "ecomops_db_password_secret_arn": None,
    }


def test_discovery_asks_only_for_what_is_missing_and_says_when_aws_cannot_answer(tmp_path):
    inventory = tmp_path / "hosts.yml"
    database = {"ecomops_db_host": "db.example.com", "ecomops_db_port": 5432,
                "ecomops_db_name": "shop", "ecomops_db_user": "shop"}  # fmt: skip
    inventory.write_text(yaml.safe_dump({"all": {
        "vars": database, "children": {"app_servers": {"hosts": {"app1": {}}}},
    }}))  # fmt: skip
    done, report = run_discovery(inventory, without_credentials(CREDENTIALS, tmp_path), tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    (discovery,) = [p for p in report["plays"] if p["play"]["name"].startswith("Discover")]
    tasks = {task["task"]["name"]: task["hosts"]["app1"] for task in discovery["tasks"]}
    assert tasks["List the RDS instances of the region"].get("skipped") is True
    assert tasks["List the application load balancers of the region"]["failed"] is True
    assert (
        "The inventory lacks ecomops_lb_kind, ecomops_lb_dns_name, ecomops_lb_url, "
        "ecomops_target_group_arn; AWS could not be asked for them in us-east-1"
    ) in done.stdout
    assert "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" in done.stdout


@pytest.fixture(scope="module")
def given_password_inventory(moto, tmp_path_factory) -> Path:
    """Project `given`: an RDS instance whose password is given (no secret RDS manages),
    and an inventory with its app server and load balancer but not its database."""
    client(moto, "rds").create_db_instance(
        DBInstanceIdentifier="given-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        DBName="given", MasterUsername="given", MasterUserPassword="not-a-secret-4",
        AllocatedStorage=20, Tags=[{"Key": "Project", "Value": "given"}],
    )  # fmt: skip
    inventory = tmp_path_factory.mktemp("given") / "hosts.yml"
    common = {
        "ecomops_project": "given", "ecomops_region": "us-east-1",
        "ecomops_lb_kind": "alb", "ecomops_lb_dns_name": "lb.example.com",
        "ecomops_lb_url": "http://lb.example.com",
        "ecomops_target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                    "targetgroup/given/0123456789abcdef",
    }  # fmt: skip
    inventory.write_text(yaml.safe_dump({"all": {
        "vars": common, "children": {"app_servers": {"hosts": {"given_app": {}}}},
    }}))  # fmt: skip
    return inventory


def test_discovery_names_no_secret_for_a_database_whose_password_is_given(
    given_password_inventory, moto, tmp_path
):
    done, report = run_discovery(given_password_inventory, moto, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    app = shown(report)["given_app"]
    assert app["ecomops_db_host"].startswith("given-db.")
    assert app["ecomops_db_password_secret_arn"] is None


def plain(value: object) -> str:
    """Values from inventory plugins are listed as untrusted: {"__ansible_unsafe": value}."""
    return value["__ansible_unsafe"] if isinstance(value, dict) else str(value)


def _base_env() -> dict[str, str]:
    return {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}


def test_discovery_reads_every_page_of_a_busy_account(moto) -> None:
    """RDS answers at most 100 databases a call: the project's may be on a later page."""
    kw = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    rds = boto3.client("rds", region_name="us-east-1", endpoint_url=moto["AWS_ENDPOINT_URL"], **kw)
    for n in range(100):  # a full first page of somebody else's databases
        rds.create_db_instance(
            DBInstanceIdentifier=f"other-{n:03}", DBInstanceClass="db.t3.micro",
            Engine="postgres", MasterUsername="other", MasterUserPassword="not-a-secret-2",
            AllocatedStorage=20, Tags=[{"Key": "Project", "Value": "other"}],
        )  # fmt: skip
    rds.create_db_instance(
        DBInstanceIdentifier="paged-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        DBName="paged", MasterUsername="paged", MasterUserPassword="not-a-secret-3",
        AllocatedStorage=20, Tags=[{"Key": "Project", "Value": "paged"}],
    )  # fmt: skip
    assert len(rds.describe_db_instances()["DBInstances"]) == 100, "moto no longer pages"
    found = aws._database(rds, "paged")
    assert found is not None and found["name"] == "paged"


@pytest.fixture
def moto_session(moto, monkeypatch) -> boto3.Session:
    """A session of this process on the moto_server."""
    for name, value in moto.items():
        monkeypatch.setenv(name, value)
    return boto3.Session(region_name="us-east-1")


def test_the_secret_arn_is_the_one_of_the_projects_rds_instance(moto, moto_session):
    assert aws.database_secret_arn(moto_session, "ecommerce") == db_secret_arn(moto)


def test_no_secret_arn_without_a_password_rds_manages_or_without_a_database(
    given_password_inventory, moto_session
):
    assert aws.database_secret_arn(moto_session, "given") is None
    assert aws.database_secret_arn(moto_session, "nothing") is None


def run_password_read(
    inventory: Path, env: dict[str, str], tmp: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """playbooks/discover.yml, then a play that shows each app server the database password
    the role would deploy, without contacting it; (the run, the password per host, the
    discovery's report)."""
    playbook = tmp / "discover_then_password.yml"
    # The playbooks' group_vars, as a play beside them would have (facts outrank both).
    group_vars = str(ROOT / "playbooks" / "group_vars" / "all.yml")
    discover = str(ROOT / "playbooks" / "discover.yml")
    show = {"ansible.builtin.debug": {"msg": "{{ ecomops_db_password }}"}}
    playbook.write_text(
        yaml.safe_dump([
            # Twice, as site.yml does (its own, then app_servers.yml's).
            {"name": "Discover", "ansible.builtin.import_playbook": discover},
            {"name": "Discover again", "ansible.builtin.import_playbook": discover},
            {"name": "Show", "hosts": "app_servers", "gather_facts": False,
             "vars_files": [group_vars], "tasks": [{"name": "Show", **show}]},
        ])
    )  # fmt: skip
    done = subprocess.run(
        [BIN / "ansible-playbook", "-i", inventory, playbook], capture_output=True, text=True,
        env={**_base_env(), **env, "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
             "ECOMOPS_DB_PASSWORD": "from-the-environment"},
        cwd=ROOT,
    )  # fmt: skip
    report = json.loads(done.stdout)
    shows = [play for play in report["plays"] if play["play"]["name"] == "Show"]
    passwords = {host: r["msg"] for play in shows for host, r in results(play, "Show").items()}
    # What the discovery's own plays reported.
    report["plays"] = [play for play in report["plays"] if play["play"]["name"] != "Show"]
    return done, passwords, json.dumps(report)


def test_the_playbooks_read_the_password_rds_manages_and_a_rotated_one_next_time(
    aws_inventory, moto, tmp_path
):
    inventory, _ = aws_inventory
    secrets = client(moto, "secretsmanager")
    arn = db_secret_arn(moto)
    first = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])["password"]
    done, passwords, logged = run_password_read(inventory, moto, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert passwords == {"ecommerce_app_az1": first, "ecommerce_app_az2": first}
    # Read once: the second discovery finds it read.
    reads = [
        task["hosts"]["ecommerce_app_az1"]
        for play in json.loads(logged)["plays"]
        for task in play["tasks"]
        if task["task"]["name"] == "Give every app server the password in the secret"
    ]
    assert [read.get("skipped", False) for read in reads] == [False, True]
    assert first not in logged
    # A rotation (what Secrets Manager does to it): the next run deploys the new password,
    # even one that looks like a template.
    rotated = "r0tated-{{ not_a_variable }}"
    secrets.put_secret_value(
        SecretId=arn, SecretString=json.dumps({"username": "ecommerce", "password": rotated})
    )
    done, passwords, logged = run_password_read(inventory, moto, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(passwords.values()) == {rotated}
    assert "r0tated" not in logged


def test_without_a_secret_the_playbooks_take_the_environment(aws_inventory, tmp_path):
    inventory = without_db_secret(aws_inventory[0], tmp_path)
    done, passwords, _ = run_password_read(
        inventory, without_credentials(CREDENTIALS, tmp_path), tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert passwords == {
        "ecommerce_app_az1": "from-the-environment",
        "ecommerce_app_az2": "from-the-environment",
    }


def test_an_unreadable_secret_stops_the_run_before_any_host_saying_what_to_check(
    aws_inventory, moto, tmp_path
):
    inventory, _ = aws_inventory
    done, passwords, _ = run_password_read(inventory, without_credentials(moto, tmp_path), tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert passwords == {}
    assert f"The database password could not be read from the secret {db_secret_arn(moto)}" in (
        done.stdout
    )
    assert "in us-east-1. Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" in done.stdout


APP_SECRETS = {
    "ECOMOPS_REGISTRY": "registry.example.com",
    "ECOMOPS_REGISTRY_USER": "ci",
    "ECOMOPS_REGISTRY_PASSWORD": "registry-pass-1",
    "ECOMOPS_DJANGO_SECRET_KEY": "django-key-123",
    "ECOMOPS_PROMETHEUS_PASSWORD": "prometheus-pass-1",
    "ECOMOPS_DB_PASSWORD": "",
}


def deploy_leaking_the_password(
    inventory: Path, env: dict[str, str], tmp: Path
) -> subprocess.CompletedProcess[str]:
    """`ecomops deploy` of a playbook that, after the discovery, fails on the controller with
    the database password in its message: what a careless task would print."""
    playbook = tmp / "leak.yml"
    discover = str(ROOT / "playbooks" / "discover.yml")
    playbook.write_text(
        yaml.safe_dump([
            {"name": "Discover", "ansible.builtin.import_playbook": discover},
            {"name": "Leak", "hosts": "app_servers", "connection": "local", "gather_facts": False,
             "tasks": [{"name": "Fail with the password",
                        "ansible.builtin.fail": {"msg": "password={{ ecomops_db_password }}"}}]},
        ])
    )  # fmt: skip
    return run_cli(
        "deploy", "-i", inventory, "--playbook", playbook, "--image-tag", "abc123",
        "--no-rollback", "--json", "--junit", tmp / "deploy.xml", env={**APP_SECRETS, **env},
    )  # fmt: skip


def assert_the_secrets_password_ran_masked(inventory: Path, env: dict[str, str], tmp: Path) -> None:
    """Not refused for the missing ECOMOPS_DB_PASSWORD: the playbook ran with the secret's
    password, and its failed task shows it masked, in the report, the log and JUnit alike."""
    secret = client(env, "secretsmanager").get_secret_value(SecretId=db_secret_arn(env))
    password = json.loads(secret["SecretString"])["password"]
    done = deploy_leaking_the_password(inventory, env, tmp)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    failed = {task["message"] for task in report["tasks"] if task["status"] == "failed"}
    assert failed == {"password=********"}
    junit = (tmp / "deploy.xml").read_text()
    assert "password=********" in junit
    for output in (done.stdout, done.stderr, junit):
        assert password not in output


def test_deploy_takes_the_password_from_the_secret_and_never_shows_it(
    aws_inventory, moto, tmp_path
):
    inventory, _ = aws_inventory
    assert_the_secrets_password_ran_masked(inventory, moto, tmp_path)


def test_deploy_without_aws_credentials_for_the_secret_exits_4_saying_what_to_do(
    aws_inventory, moto, tmp_path
):
    inventory, _ = aws_inventory
    done = deploy_leaking_the_password(inventory, without_credentials(moto, tmp_path), tmp_path)
    assert done.returncode == 4, done.stderr
    assert f"could not be read from {db_secret_arn(moto)}" in done.stderr
    assert "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" in done.stderr
    assert "ECOMOPS_DB_PASSWORD" not in done.stderr
    assert not (tmp_path / "deploy.xml").exists()


def test_deploy_on_the_ec2_inventory_takes_the_password_from_the_rds_instances_secret(
    moto, tmp_path
):
    """inventories/aws_ec2 names no database: the deploy, like the playbooks, finds the
    RDS instance's secret, so ECOMOPS_DB_PASSWORD is not asked for and its password is
    masked."""
    assert_the_secrets_password_ran_masked(EC2_INVENTORY, moto, tmp_path)


def test_deploy_asks_for_the_password_of_a_database_found_without_a_secret(
    given_password_inventory, moto, tmp_path
):
    done = deploy_leaking_the_password(given_password_inventory, moto, tmp_path)
    assert done.returncode == 4, done.stderr
    assert "missing credentials: set ECOMOPS_DB_PASSWORD" in done.stderr
    assert not (tmp_path / "deploy.xml").exists()
