"""provision/destroy and `inventory --from terraform` with the real terraform binary,
and the S3 backend's settings (`Backend`).

The configuration uses only Terraform's built-in provider, so it runs offline;
its `inventory` output is the contract, as in terraform/outputs.tf. The S3
backend itself is applied against moto in terraform/tests/test_moto_apply.py.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, ROOT, run_cli
from ecomops.errors import EcomopsError
from ecomops.terraform import BACKEND_OVERRIDE, Backend

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")
# Not a Jenkins agent, whatever runs the tests.
OFF_AGENT = {"JENKINS_URL": ""}
AGENT = {"JENKINS_URL": "https://jenkins.example.com/"}
EXAMPLE = ROOT / "terraform" / "backend.s3.tfbackend.example"


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


@needs_terraform
def test_provision_plans_to_a_file_applies_it_and_feeds_the_inventory(config):
    planned = run_cli(
        "provision", "--terraform-dir", config, "--var-file", config / "test.tfvars", "--plan-only",
        env=OFF_AGENT,
    )  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert (config / "ecomops.tfplan").is_file()
    assert not (config / "terraform.tfstate").exists()
    assert not (config / BACKEND_OVERRIDE).exists(), "no backend given: the configuration's own"

    applied = run_cli(
        "provision", "--terraform-dir", config, "--var-file", config / "test.tfvars", env=OFF_AGENT
    )
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
        "destroy", "--terraform-dir", config, "--var-file", config / "test.tfvars", "--confirm",
        env=OFF_AGENT,
    )  # fmt: skip
    assert destroyed.returncode == 0, destroyed.stderr
    assert json.loads((config / "terraform.tfstate").read_text())["resources"] == []


@needs_terraform
def test_a_failing_terraform_step_exits_5_and_names_the_step(config):
    (config / "main.tf").write_text('resource "terraform_data" "x" {\n  input = var.missing\n}\n')
    done = run_cli("provision", "--terraform-dir", config, env=OFF_AGENT)
    assert done.returncode == 5
    assert "`terraform plan" in done.stderr


@needs_terraform
def test_a_jenkins_agent_refuses_to_apply_with_local_state(config):
    var_file = ("--var-file", config / "test.tfvars")
    refused = run_cli("provision", "--terraform-dir", config, *var_file, env=AGENT)
    assert refused.returncode == 2, refused.stderr
    assert "JENKINS_URL is set" in refused.stderr
    for hint in ("--backend-config", "ECOMOPS_TF_BACKEND_BUCKET", "ecomops-tf-backend"):
        assert hint in refused.stderr
    assert "--allow-local-state" in refused.stderr
    assert not (config / "ecomops.tfplan").exists(), "refused before the plan"
    assert not (config / "terraform.tfstate").exists()
    destroy = run_cli("destroy", "--terraform-dir", config, *var_file, "--confirm", env=AGENT)
    assert destroy.returncode == 2, destroy.stderr

    # A plan changes nothing (branches stop there); applying is the operator's explicit choice.
    planned = run_cli("provision", "--terraform-dir", config, *var_file, "--plan-only", env=AGENT)
    assert planned.returncode == 0, planned.stderr
    allowed = run_cli(
        "provision", "--terraform-dir", config, *var_file, "--allow-local-state", env=AGENT
    )
    assert allowed.returncode == 0, allowed.stderr
    assert (config / "terraform.tfstate").is_file()


def test_the_example_backend_config_is_the_s3_backend_with_its_lock_file():
    backend = Backend.of(EXAMPLE, {})
    assert backend is not None
    assert backend.init_args() == [
        f"-backend-config={EXAMPLE.resolve()}",
        "-backend-config=use_lockfile=true",
    ]


def test_no_file_and_no_settings_is_no_backend():
    assert Backend.of(None, {"ECOMOPS_TF_BACKEND_BUCKET": "", "PATH": "/bin"}) is None


def test_environment_settings_make_a_backend_and_win_over_the_file():
    environ = {
        "ECOMOPS_TF_BACKEND_BUCKET": "team-state",
        "ECOMOPS_TF_BACKEND_KEY": "ecomops/aws/terraform.tfstate",
        "ECOMOPS_TF_BACKEND_REGION": "eu-west-1",
        "ECOMOPS_TF_BACKEND_ENDPOINT": "http://127.0.0.1:5000",
        "ECOMOPS_TF_BACKEND_USE_PATH_STYLE": "true",
    }
    backend = Backend.of(None, environ)
    assert backend is not None
    assert backend.init_args() == [
        "-backend-config=bucket=team-state",
        '-backend-config=endpoints={s3="http://127.0.0.1:5000"}',
        "-backend-config=key=ecomops/aws/terraform.tfstate",
        "-backend-config=region=eu-west-1",
        "-backend-config=use_path_style=true",
        "-backend-config=use_lockfile=true",
    ]
    over_file = Backend.of(EXAMPLE, {"ECOMOPS_TF_BACKEND_REGION": "eu-west-1"})
    assert over_file is not None
    # Terraform applies -backend-config in order: the later setting wins.
    assert over_file.init_args()[:2] == [
        f"-backend-config={EXAMPLE.resolve()}",
        "-backend-config=region=eu-west-1",
    ]


def test_a_file_with_nested_settings_and_comments_reads(tmp_path):
    config = tmp_path / "team.s3.tfbackend"
    config.write_text(
        '# team state\nbucket = "team-state" # versioned\n// key per stack\n'
        'key = "a/terraform.tfstate"\nendpoints = {\n  s3 = "https://s3.example.com"\n}\n'
        "use_lockfile = true # always\n"
    )
    assert Backend.of(config, {}) is not None


BUCKET_KEY = 'bucket = "b"\nkey = "k"\n'


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        (
            BUCKET_KEY + 'bukcet = "b"\n',
            {},
            "team.tfbackend:3: unknown S3 backend setting `bukcet`; ecomops accepts acl, ",
        ),
        (
            BUCKET_KEY,
            {"ECOMOPS_TF_BACKEND_REGOIN": "x"},
            "ECOMOPS_TF_BACKEND_REGOIN: unknown S3 backend setting `regoin`",
        ),
        (
            'key = "k"\nregion = "us-east-1"\n',
            {},
            "the S3 backend needs a bucket: set `bucket = ...` in the backend config file "
            "or ECOMOPS_TF_BACKEND_BUCKET",
        ),
        ('bucket = ""\nkey = "k"\n', {}, "needs a bucket"),
        ('bucket =\nkey = "k"\n', {}, "needs a bucket"),
        ('bucket = "b"\n', {}, "needs a key"),
        (
            BUCKET_KEY + 'secret_key = "x"\n',
            {},
            "team.tfbackend:3: `secret_key` is a credential; the S3 backend takes credentials "
            "from the AWS environment",
        ),
        (BUCKET_KEY, {"ECOMOPS_TF_BACKEND_ACCESS_KEY": "x"}, "`access_key` is a credential"),
        (BUCKET_KEY + 'dynamodb_table = "l"\n', {}, "DynamoDB locking is deprecated"),
        (BUCKET_KEY + "use_lockfile = false\n", {}, "use_lockfile must stay true"),
        ('bucket: "b"\n', {}, 'team.tfbackend:1: `bucket: "b"` is not `name = value`'),
    ],
)
def test_a_bad_backend_config_fails_with_what_to_change(tmp_path, text, environ, message):
    config = tmp_path / "team.tfbackend"
    config.write_text(text)
    with pytest.raises(EcomopsError) as raised:
        Backend.of(config, environ)
    assert message in str(raised.value)
    assert raised.value.code == 2


def test_a_missing_backend_config_file_says_so(tmp_path):
    with pytest.raises(EcomopsError, match=r"cannot read the backend config .*nowhere"):
        Backend.of(tmp_path / "nowhere", {})
