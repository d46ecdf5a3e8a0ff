"""Contract -> inventory and ssh_config, checked by Ansible's own inventory parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import FIXTURES, run_cli
from ecomops.inventory import SshFiles, az_group, build_inventory, render_ssh_config
from ecomops.terraform import contract_from_outputs

ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"


def test_app_servers_jump_through_the_bastion_of_their_az(outputs, tmp_path):
    contract = contract_from_outputs(outputs, "fixture")
    ssh = SshFiles.under(tmp_path)
    inventory = build_inventory(contract, ssh)
    children = inventory["all"]["children"]
    app2 = children["app_servers"]["hosts"]["ecommerce_app_az2"]
    assert app2["ansible_host"] == "10.0.12.81"
    assert app2["ecomops_bastion"] == "ecommerce_bastion_az2"
    assert app2["ecomops_instance_id"].startswith("i-")
    assert app2["ansible_ssh_common_args"] == (
        f"-F {tmp_path}/config -o ProxyJump=ecommerce_bastion_az2"
    )
    bastion = children["bastions"]["hosts"]["ecommerce_bastion_az1"]
    assert (bastion["ansible_host"], bastion["ansible_port"]) == ("203.0.113.4", 22)
    assert set(children["az_us_east_1b"]["hosts"]) == {"ecommerce_bastion_az2", "ecommerce_app_az2"}


def test_the_monitoring_server_is_reached_through_a_bastion_too(outputs, tmp_path):
    inventory = build_inventory(contract_from_outputs(outputs, "fixture"), SshFiles.under(tmp_path))
    monitoring = inventory["all"]["children"]["monitoring"]["hosts"]["ecommerce_monitoring"]
    assert monitoring["ansible_host"] == monitoring["ecomops_private_ip"]
    assert monitoring["ansible_ssh_common_args"].endswith("-o ProxyJump=ecommerce_bastion_az1")
    # Its dashboards stay on its public address.
    assert monitoring["ecomops_public_ip"] not in {None, monitoring["ecomops_private_ip"]}


def test_group_vars_carry_the_database_and_load_balancer(outputs, tmp_path):
    variables = build_inventory(contract_from_outputs(outputs, "fixture"), SshFiles.under(tmp_path))
    variables = variables["all"]["vars"]
    assert variables["ecomops_db_host"] == "ecommerce-db.c9akciq32.us-east-1.rds.amazonaws.com"
    assert variables["ecomops_lb_dns_name"].startswith("ecommerce-alb-")
    assert variables["ecomops_target_group_arn"].startswith("arn:aws:elasticloadbalancing:")
    assert variables["ecomops_haproxy_socket"] is None
    assert variables["ansible_user"] == "ubuntu"


def test_the_database_password_secret_is_named_when_terraform_gives_one(outputs, tmp_path):
    ssh = SshFiles.under(tmp_path)
    variables = build_inventory(contract_from_outputs(outputs, "fixture"), ssh)["all"]["vars"]
    assert "ecomops_db_password_secret_arn" not in variables  # a given password
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f1c-AbCdEf"
    outputs["inventory"]["value"]["database"]["password_secret_arn"] = arn
    variables = build_inventory(contract_from_outputs(outputs, "fixture"), ssh)["all"]["vars"]
    assert variables["ecomops_db_password_secret_arn"] == arn


def test_ssh_config_gives_the_jump_hop_its_key_and_checks_host_keys(outputs, tmp_path):
    ssh = SshFiles.under(tmp_path, identity=Path("/keys/id_ed25519"))
    text = render_ssh_config(contract_from_outputs(outputs, "fixture"), ssh, "fixture")
    assert "Host ecommerce_bastion_az1\n  HostName 203.0.113.4\n  Port 22\n" in text
    assert 'IdentityFile "/keys/id_ed25519"' in text
    assert f'UserKnownHostsFile "{tmp_path}/known_hosts"' in text
    assert "StrictHostKeyChecking accept-new" in text
    assert "StrictHostKeyChecking no" not in text


def test_az_group_names_are_identifiers():
    assert az_group("us-east-1a") == "az_us_east_1a"
    assert az_group("lab-AZ2") == "az_lab_az2"


def test_cli_writes_an_inventory_ansible_reads_with_the_same_groups(tmp_path):
    out = tmp_path / "hosts.yml"
    done = run_cli(
        "inventory", "--from", "terraform",
        "--outputs-file", FIXTURES / "terraform-output.json",
        "--ssh-dir", tmp_path / "ssh", "--ssh-key", tmp_path / "id_ed25519", "-o", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and "5 hosts" in done.stderr
    assert (tmp_path / "ssh" / "config").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "ssh" / "known_hosts").exists()
    listed = subprocess.run(
        [ANSIBLE_INVENTORY, "-i", out, "--list"], capture_output=True, text=True, check=True
    )
    seen = json.loads(listed.stdout)
    assert seen["app_servers"]["hosts"] == ["ecommerce_app_az1", "ecommerce_app_az2"]
    assert seen["monitoring"]["hosts"] == ["ecommerce_monitoring"]
    assert seen["az_us_east_1a"]["hosts"] == [
        "ecommerce_bastion_az1", "ecommerce_app_az1", "ecommerce_monitoring",
    ]  # fmt: skip
    app1 = seen["_meta"]["hostvars"]["ecommerce_app_az1"]
    assert "ProxyJump=ecommerce_bastion_az1" in app1["ansible_ssh_common_args"]
    assert app1["ecomops_db_port"] == 5432


def test_cli_prints_json_to_stdout_with_dash(tmp_path):
    done = run_cli(
        "inventory", "--from", "file", "--outputs-file", FIXTURES / "lab-contract.json",
        "--ssh-dir", tmp_path, "--format", "json", "-o", "-",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    inventory = json.loads(done.stdout)
    assert inventory["all"]["vars"]["ecomops_lb_kind"] == "haproxy"
    bastion = inventory["all"]["children"]["bastions"]["hosts"]["lab_bastion_az1"]
    assert (bastion["ansible_host"], bastion["ansible_port"]) == ("127.0.0.1", 2201)
    # The lab's key comes from the contract, relative to the repository.
    config = (tmp_path / "config").read_text()
    assert "IdentityFile" in config and ".lab/ssh/id_ed25519" in config


def test_cli_yaml_output_round_trips(tmp_path):
    done = run_cli(
        "inventory", "--from", "terraform", "--outputs-file", FIXTURES / "terraform-output.json",
        "--ssh-dir", tmp_path, "-o", "-",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Generated by `ecomops inventory`")
    assert (
        "ecommerce_app_az2"
        in yaml.safe_load(done.stdout)["all"]["children"]["app_servers"]["hosts"]
    )


def test_cli_names_the_broken_field_and_exits_2(contract_doc, tmp_path):
    contract_doc["app_servers"][0]["az"] = "us-east-1f"
    contract_doc["monitoring"]["az"] = "us-east-1e"
    broken = tmp_path / "outputs.json"
    broken.write_text(json.dumps(contract_doc))
    done = run_cli("inventory", "--from", "file", "--outputs-file", broken, "-o", "-")
    assert done.returncode == 2
    assert "app_servers[0] (ecommerce_app_az1): no bastion in its AZ 'us-east-1f'" in done.stderr
    assert "monitoring (ecommerce_monitoring): no bastion in its AZ 'us-east-1e'" in done.stderr
    assert done.stdout == ""


def test_cli_from_file_needs_the_file(tmp_path):
    done = run_cli("inventory", "--from", "file", "-o", "-")
    assert done.returncode == 2
    assert "--outputs-file" in done.stderr
    done = run_cli("inventory", "--from", "file", "--outputs-file", tmp_path / "nope.json")
    assert done.returncode == 2
    assert "does not exist" in done.stderr
