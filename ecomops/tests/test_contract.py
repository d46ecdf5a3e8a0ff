"""The contract parser names every fault of a malformed or partial document."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli
from ecomops.contract import ContractError, parse_contract
from ecomops.errors import EcomopsError, ExitCode
from ecomops.terraform import contract_from_outputs


def problems_of(doc: object) -> list[str]:
    with pytest.raises(ContractError) as caught:
        parse_contract(doc, "test")
    assert caught.value.code == ExitCode.USAGE
    return caught.value.problems


def test_the_terraform_fixture_is_a_valid_contract(outputs):
    contract = contract_from_outputs(outputs, "fixture")
    assert [b.az for b in contract.bastions] == ["us-east-1a", "us-east-1b"]
    assert contract.bastion_for("us-east-1b").name == "ecommerce_bastion_az2"
    assert contract.load_balancer.kind == "alb"
    assert contract.database.port == 5432
    assert len(contract.hosts) == 5


def test_a_missing_key_is_named_with_its_path(contract_doc):
    del contract_doc["database"]["address"]
    del contract_doc["app_servers"][1]["private_ip"]
    assert problems_of(contract_doc) == [
        "app_servers[1].private_ip: missing",
        "database.address: missing",
    ]


def test_the_database_password_secret_must_be_a_secrets_manager_arn(contract_doc):
    contract_doc["database"]["password_secret_arn"] = "rds!db-3f1c"
    assert problems_of(contract_doc) == [
        "database.password_secret_arn: 'rds!db-3f1c' is not a Secrets Manager secret's ARN"
    ]


def test_an_app_server_without_a_bastion_in_its_az_is_refused(contract_doc):
    contract_doc["app_servers"][1]["az"] = "us-east-1c"
    (problem,) = problems_of(contract_doc)
    assert "app_servers[1] (ecommerce_app_az2)" in problem
    assert "no bastion in its AZ 'us-east-1c'" in problem


def test_duplicate_host_names_are_refused(contract_doc):
    contract_doc["app_servers"][1]["name"] = "ecommerce_app_az1"
    assert problems_of(contract_doc) == [
        "host name 'ecommerce_app_az1' is used 2 times; names must be unique"
    ]


def test_two_bastions_in_one_az_are_refused(contract_doc):
    contract_doc["bastions"][1]["az"] = "us-east-1a"
    contract_doc["app_servers"][1]["az"] = "us-east-1a"
    assert problems_of(contract_doc) == [
        "bastions: 2 bastions in us-east-1a; expected exactly one per AZ"
    ]


def test_every_problem_is_reported_at_once(contract_doc):
    contract_doc["schema"] = 2
    contract_doc["bastions"][0]["public_ip"] = "not-an-ip"
    contract_doc["load_balancer"]["kind"] = "nlb"
    contract_doc["monitoring"]["ssh_port"] = "22"
    found = problems_of(contract_doc)
    assert found == [
        "schema: expected 1, got 2",
        "bastions[0].public_ip: 'not-an-ip' is not an IP address",
        "monitoring.ssh_port: must be a port number, got '22'",
        "load_balancer.kind: 'nlb' is not one of alb, haproxy",
    ]


def test_lb_fields_are_required_by_kind(contract_doc):
    contract_doc["load_balancer"]["target_group_arn"] = None
    assert problems_of(contract_doc) == ["load_balancer.target_group_arn: missing"]
    contract_doc["load_balancer"] |= {"kind": "haproxy", "haproxy_socket": "/run/lb.sock"}
    assert problems_of(contract_doc) == ["load_balancer.haproxy_backend: missing"]


@pytest.mark.parametrize("doc", [[], "text", None, {}])
def test_a_document_that_is_no_object_is_refused(doc):
    assert problems_of(doc)


def test_an_empty_list_of_app_servers_is_refused(contract_doc):
    contract_doc["app_servers"] = []
    assert problems_of(contract_doc) == ["app_servers: must be a non-empty list of hosts"]


def test_outputs_without_state_tell_what_to_do():
    with pytest.raises(EcomopsError, match=r"no Terraform outputs.*ecomops provision"):
        contract_from_outputs({}, "terraform state")


def test_outputs_without_the_inventory_output_name_what_they_have(outputs):
    del outputs["inventory"]
    with pytest.raises(EcomopsError, match=r"no `inventory` output \(it has: alb_dns_name"):
        contract_from_outputs(outputs, "saved outputs")


@pytest.mark.parametrize(
    ("saved", "source"),
    [("inventory.json", "file"), ("output.json", "terraform")],
)
def test_the_terraform_moto_apply_feeds_the_inventory_unchanged(saved, source, tmp_path):
    """The Terraform suite saves its moto apply's outputs here; use them when present."""
    path = ROOT / "reports" / "terraform" / saved
    if not path.exists():
        pytest.skip(f"no {path} yet (make test-terraform writes it)")
    done = run_cli(
        "inventory", "--from", source, "--outputs-file", path, "--ssh-dir", tmp_path,
        "--format", "json", "-o", "-",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    children = json.loads(done.stdout)["all"]["children"]
    apps = children["app_servers"]["hosts"]
    bastion_az = {h["ecomops_az"]: n for n, h in children["bastions"]["hosts"].items()}
    assert apps
    for app in apps.values():
        assert app["ecomops_bastion"] == bastion_az[app["ecomops_az"]]
