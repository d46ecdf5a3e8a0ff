"""One inventory folder per environment, and no default one: `--env NAME` (or
ECOMOPS_ENV) is inventories/NAME/hosts.yml, -i PATH any other inventory, and a run
that names neither stops at once, in the wrapper as in plain ansible-playbook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from ecomops.environments import built, inventory_path, output_path
from ecomops.errors import EcomopsError

LAB_CONTRACT = FIXTURES / "lab-contract.json"
TERRAFORM_OUTPUT = FIXTURES / "terraform-output.json"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository of its own (ansible.cfg, inventories/) with the lab environment built."""
    root = tmp_path / "project"
    (root / "inventories" / "aws_ec2").mkdir(parents=True)
    shutil.copy(ROOT / "ansible.cfg", root)
    for shared in ("playbooks", "roles"):  # analyze reads roles/canary's thresholds first
        (root / shared).symlink_to(ROOT / shared)
    shutil.copy(ROOT / "inventories" / "aws_ec2" / "aws_ec2.yml", root / "inventories" / "aws_ec2")
    done = ecomops(
        root, "inventory", "--env", "lab", "--from", "file", "--outputs-file", LAB_CONTRACT
    )
    assert done.returncode == 0, done.stderr
    return root


def ecomops(root: Path, *args: str | Path, env: dict[str, str] | None = None):
    # ECOMOPS_ENV only as the test gives it, never from the shell running the suite.
    return run_cli(*args, "--project-dir", root, env={"ECOMOPS_ENV": "", **(env or {})})


def test_inventory_env_writes_the_environments_folder_and_ssh_files(project):
    hosts = project / "inventories" / "lab" / "hosts.yml"
    assert "lab_app_az1" in hosts.read_text()
    ssh_config = project / ".cache" / "ssh" / "lab" / "config"
    assert f"-F {ssh_config}" in hosts.read_text()
    assert (ssh_config.parent / "known_hosts").exists()
    assert built(project) == ["lab"]


def test_env_resolves_the_environments_hosts_file(project):
    # Past the inventory: the --limit check lists the hosts of inventories/lab.
    done = ecomops(project, "deploy", "--env", "lab", "--limit", "nowhere", "--image-tag", "t1")
    assert done.returncode == 2, done.stderr
    assert "no host or group named 'nowhere'" in done.stderr
    assert "lab_app_az1" in done.stderr


def test_ecomops_env_names_the_environment_and_i_wins_over_it(project, tmp_path):
    by_env = ecomops(project, "deploy", "--limit", "nowhere", env={"ECOMOPS_ENV": "lab"})
    assert "lab_app_az1" in by_env.stderr, by_env.stderr
    other = tmp_path / "other.yml"
    built_other = ecomops(
        project, "inventory", "--from", "terraform", "--outputs-file", TERRAFORM_OUTPUT,
        "--ssh-dir", tmp_path / "ssh", "-o", other, env={"ECOMOPS_ENV": "lab"},
    )  # fmt: skip
    assert built_other.returncode == 0, built_other.stderr
    assert "lab_app_az1" in (project / "inventories" / "lab" / "hosts.yml").read_text()
    by_path = ecomops(
        project, "deploy", "-i", other, "--limit", "nowhere", env={"ECOMOPS_ENV": "lab"}
    )
    assert by_path.returncode == 2
    assert "ecommerce_app_az1" in by_path.stderr and "lab_app_az1" not in by_path.stderr


@pytest.mark.parametrize("command", ["deploy", "status", "analyze", "history", "rollback"])
def test_no_environment_is_a_usage_error_naming_the_built_ones(project, command):
    done = ecomops(project, command)
    assert done.returncode == 2
    assert "which environment? pass --env NAME or set ECOMOPS_ENV" in done.stderr
    assert "(built: lab)" in done.stderr
    assert "-i PATH for another inventory (e.g. -i inventories/aws_ec2)" in done.stderr


def test_an_unknown_environment_is_a_usage_error_saying_how_to_build_it(project):
    done = ecomops(project, "status", "--env", "staging")
    assert done.returncode == 2
    assert "no environment 'staging'" in done.stderr and "(built: lab)" in done.stderr
    assert "ecomops inventory --env staging --from terraform|aws|file" in done.stderr


def test_env_and_i_together_are_refused(project):
    done = ecomops(project, "status", "--env", "lab", "-i", project / "inventories" / "lab")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_inventory_names_its_environment_or_another_output(project):
    done = ecomops(project, "inventory", "--from", "file", "--outputs-file", LAB_CONTRACT)
    assert done.returncode == 2
    assert "which environment?" in done.stderr and "--env lab" in done.stderr
    assert "-o PATH" in done.stderr


def test_the_lab_and_aws_environments_take_their_own_contracts_only(project):
    done = ecomops(project, "inventory", "--env", "aws", "--from", "file", "--outputs-file",
                   LAB_CONTRACT)  # fmt: skip
    assert done.returncode == 2
    assert "this contract describes the lab hosts; pass --env lab" in done.stderr
    assert not (project / "inventories" / "aws").exists()
    assert not (project / ".cache" / "ssh" / "aws").exists()


def test_a_folder_with_another_source_is_not_written_into(project):
    with pytest.raises(EcomopsError, match=r"holds another inventory source \(aws_ec2.yml\)"):
        output_path(project, "aws_ec2", "aws")


def test_an_environment_name_stays_inside_inventories(project):
    with pytest.raises(EcomopsError, match="is not an environment name"):
        inventory_path(project, "../lab", None)


def test_i_is_taken_as_given(project, tmp_path):
    assert inventory_path(project, "lab", tmp_path / "x.yml") == (tmp_path / "x.yml").resolve()


def test_plain_ansible_playbook_without_an_inventory_stops_before_any_play():
    """ansible.cfg names no inventory: site.yml must not succeed doing nothing."""
    env = {k: v for k, v in os.environ.items() if k != "ANSIBLE_INVENTORY"}
    done = subprocess.run(
        [Path(sys.executable).parent / "ansible-playbook", ROOT / "playbooks" / "site.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**env, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "The inventory has no app servers" in done.stdout
    assert "ansible-playbook -i inventories/<env>" in done.stdout
    assert "PLAY [Check the app servers' inputs" not in done.stdout
