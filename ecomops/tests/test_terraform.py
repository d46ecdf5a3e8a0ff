"""provision/destroy and `inventory --from terraform` with the real terraform binary.

The configuration uses only Terraform's built-in provider, so it runs offline;
its `inventory` output is the contract, as in terraform/outputs.tf.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, run_cli

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")


@pytest.fixture
def config(tmp_path):
    contract = json.loads((FIXTURES / "terraform-output.json").read_text())["inventory"]["value"]
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "release" {\n  input = var.release\n}\n'
        'variable "release" {\n  type = string\n}\n'
        f'output "inventory" {{\n  value = jsondecode({json.dumps(json.dumps(contract))})\n}}\n'
        'output "release" {\n  value = terraform_data.release.output\n}\n'
    )
    (tmp_path / "test.tfvars").write_text('release = "r1"\n')
    return tmp_path


def test_provision_plans_to_a_file_applies_it_and_feeds_the_inventory(config):
    planned = run_cli(
        "provision", "--terraform-dir", config, "--var-file", config / "test.tfvars", "--plan-only"
    )
    assert planned.returncode == 0, planned.stderr
    assert (config / "ecomops.tfplan").is_file()
    assert not (config / "terraform.tfstate").exists()

    applied = run_cli("provision", "--terraform-dir", config, "--var-file", config / "test.tfvars")
    assert applied.returncode == 0, applied.stderr
    state = json.loads((config / "terraform.tfstate").read_text())
    assert state["outputs"]["release"]["value"] == "r1"

    built = run_cli(
        "inventory", "--from", "terraform", "--terraform-dir", config, "--ssh-dir", config / "ssh",
        "--format", "json", "-o", "-",
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    hosts = json.loads(built.stdout)["all"]["children"]["app_servers"]["hosts"]
    assert set(hosts) == {"ecommerce_app_az1", "ecommerce_app_az2"}

    refused = run_cli("destroy", "--terraform-dir", config)
    assert refused.returncode == 2
    destroyed = run_cli(
        "destroy", "--terraform-dir", config, "--var-file", config / "test.tfvars", "--confirm"
    )
    assert destroyed.returncode == 0, destroyed.stderr
    assert json.loads((config / "terraform.tfstate").read_text())["resources"] == []


def test_a_failing_terraform_step_exits_5_and_names_the_step(config):
    (config / "main.tf").write_text('resource "terraform_data" "x" {\n  input = var.missing\n}\n')
    done = run_cli("provision", "--terraform-dir", config)
    assert done.returncode == 5
    assert "`terraform plan" in done.stderr
