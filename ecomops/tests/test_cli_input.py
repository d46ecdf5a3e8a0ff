"""Bad input fails fast with one clear message, before any host is contacted.

The inventory points at TEST-NET addresses (203.0.113.0/24, never routed): a
command that tried to reach a host would hang for the SSH timeout instead of
answering within seconds, and would leave a JUnit report behind.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

SMOKE = FIXTURES / "playbooks" / "smoke.yml"
SITE = Path(__file__).resolve().parents[2] / "playbooks" / "site.yml"
SECRETS = {
    "ECOMOPS_REGISTRY": "registry.example.com",
    "ECOMOPS_REGISTRY_USER": "ci",
    "ECOMOPS_REGISTRY_PASSWORD": "registry-pass-1",
    "ECOMOPS_DB_PASSWORD": "db-pass-123",
    "ECOMOPS_DJANGO_SECRET_KEY": "django-key-123",
    "ECOMOPS_GRAFANA_ADMIN_PASSWORD": "grafana-pass-1",
    "ECOMOPS_PROMETHEUS_PASSWORD": "prometheus-pass-1",
}


@pytest.fixture
def inventory(tmp_path):
    out = tmp_path / "hosts.yml"
    done = run_cli(
        "inventory", "--from", "terraform", "--outputs-file", FIXTURES / "terraform-output.json",
        "--ssh-dir", tmp_path / "ssh", "-o", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def deploy(tmp_path, *args, env=None):
    started = time.monotonic()
    done = run_cli(
        "deploy", "--junit", tmp_path / "deploy.xml", "--playbook", SMOKE, *args,
        env=env, timeout=60,
    )  # fmt: skip
    assert time.monotonic() - started < 20, "deploy should have failed before contacting hosts"
    assert not (tmp_path / "deploy.xml").exists()
    assert done.stdout == ""
    return done


def test_missing_inventory_says_how_to_build_one(tmp_path):
    done = deploy(tmp_path, "-i", tmp_path / "none.yml", env=SECRETS)
    assert done.returncode == 2
    assert "no inventory at" in done.stderr
    assert "ecomops inventory --env NAME --from terraform" in done.stderr


def test_unknown_host_in_limit_is_refused_and_known_ones_listed(tmp_path, inventory):
    done = deploy(
        tmp_path, "-i", inventory, "--limit", "app_servers,ecommerce_app_az9", env=SECRETS
    )
    assert done.returncode == 2
    assert "no host or group named 'ecommerce_app_az9'" in done.stderr
    assert "ecommerce_app_az1, ecommerce_app_az2" in done.stderr


def test_limit_patterns_must_match_something(tmp_path, inventory):
    done = deploy(tmp_path, "-i", inventory, "--limit", "web*", env=SECRETS)
    assert done.returncode == 2
    assert "'web*'" in done.stderr


def test_missing_credentials_are_named_and_exit_4(tmp_path, inventory):
    env = {**SECRETS, "ECOMOPS_DB_PASSWORD": "", "ECOMOPS_GRAFANA_ADMIN_PASSWORD": ""}
    done = deploy(tmp_path, "-i", inventory, "--image-tag", "abc123", "--playbook", SITE, env=env)
    assert done.returncode == 4
    assert "ECOMOPS_DB_PASSWORD, ECOMOPS_GRAFANA_ADMIN_PASSWORD" in done.stderr
    assert "db-pass" not in done.stderr


APP_TIER = [
    "ECOMOPS_REGISTRY", "ECOMOPS_REGISTRY_USER", "ECOMOPS_REGISTRY_PASSWORD",
    "ECOMOPS_DB_PASSWORD", "ECOMOPS_DJANGO_SECRET_KEY", "ECOMOPS_PROMETHEUS_PASSWORD",
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "asked"),
    [
        (["--playbook", SMOKE], APP_TIER),  # its one play is on the app servers
        (
            ["--limit", "monitoring"],
            ["ECOMOPS_GRAFANA_ADMIN_PASSWORD", "ECOMOPS_PROMETHEUS_PASSWORD"],
        ),
        (["--limit", "bastions"], []),
        (["--tags", "docker_install,node_exporter_run", "--limit", "monitoring"], []),
    ],
    ids=["app-playbook", "monitoring", "bastions", "tags-of-no-monitoring-role"],
)
def test_a_run_asks_only_for_what_its_hosts_and_tags_use(tmp_path, inventory, args, asked):
    nothing_given = dict.fromkeys([*SECRETS, "ECOMOPS_IMAGE_TAG"], "")
    done = deploy(tmp_path, "-i", inventory, "--playbook", SITE, *args, env=nothing_given)
    if asked:
        assert done.returncode == 4, done.stderr
        assert f"set {', '.join(asked)} in the environment" in done.stderr
    else:  # past the credentials, stopped by the next check
        assert done.returncode == 2, done.stderr
        assert "--image-tag" in done.stderr


def test_missing_playbook_is_refused(tmp_path, inventory):
    done = run_cli("deploy", "-i", inventory, "--playbook", tmp_path / "site.yml", env=SECRETS)
    assert done.returncode == 2
    assert "no playbook at" in done.stderr


def test_missing_image_tag_is_refused(tmp_path, inventory):
    done = deploy(tmp_path, "-i", inventory, env={**SECRETS, "ECOMOPS_IMAGE_TAG": ""})
    assert done.returncode == 2
    assert "--image-tag" in done.stderr


def test_no_terraform_state_is_a_clear_error(tmp_path):
    done = run_cli("inventory", "--from", "terraform", "--terraform-dir", tmp_path, "-o", "-")
    assert done.returncode == 2
    assert "is there any state? Run `ecomops provision` first" in done.stderr


def test_destroy_needs_confirmation(tmp_path):
    done = run_cli("destroy", "--terraform-dir", tmp_path)
    assert done.returncode == 2
    assert "--confirm" in done.stderr


def test_usage_errors_exit_2_and_help_lists_exit_codes():
    assert run_cli("deploy", "--no-such-flag").returncode == 2
    helped = run_cli("--help")
    assert helped.returncode == 0
    assert "exit codes:" in helped.stdout
    assert "3  at least one host was unreachable" in helped.stdout
    assert "ecomops deploy --env aws --image-tag" in helped.stdout


def test_unknown_status_check_is_refused(tmp_path, inventory):
    done = run_cli("status", "-i", inventory, "--checks", "lb,disk")
    assert done.returncode == 2
    assert "unknown disk" in done.stderr


def test_serial_must_be_a_count_or_percentage(tmp_path, inventory):
    done = deploy(tmp_path, "-i", inventory, "--serial", "half", env=SECRETS)
    assert done.returncode == 2
    assert "--serial: 'half'" in done.stderr


def test_a_missing_ssh_config_says_to_rebuild_the_inventory(tmp_path, inventory):
    (tmp_path / "ssh" / "config").unlink()
    done = deploy(tmp_path, "-i", inventory, env=SECRETS)
    assert done.returncode == 2
    assert "ssh" in done.stderr and "run `ecomops inventory` again" in done.stderr


def test_a_broken_playbook_exits_5_and_shows_ansible_output(tmp_path, inventory):
    broken = tmp_path / "broken.yml"
    broken.write_text("- name: Broken\n  hosts: all\n  tasks:\n    - no_such_module_here: {}\n")
    started = time.monotonic()
    # --no-rollback: a rollback would first read the hosts' release history over SSH.
    done = run_cli(
        "deploy", "-i", inventory, "--playbook", broken, "--junit", tmp_path / "deploy.xml",
        "--image-tag", "abc123", "--no-rollback", env=SECRETS, timeout=120,
    )  # fmt: skip
    assert time.monotonic() - started < 30, "the playbook fails to parse: no host is contacted"
    assert done.returncode == 5, done.stderr
    assert "ansible-playbook stopped" in done.stderr
    assert "no_such_module_here" in done.stderr


def kubeconfig(tmp_path, server="https://127.0.0.1:1"):
    """A kubeconfig whose API server is a closed local port: refused at once."""
    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: none\n"
        f"clusters:\n- name: none\n  cluster:\n    server: {server}\n"
        "    insecure-skip-tls-verify: true\n"
        "contexts:\n- name: none\n  context:\n    cluster: none\n    user: none\n"
        "users:\n- name: none\n  user:\n    token: not-a-token\n"
    )
    return path


NO_KUBECONFIG = {"ECOMOPS_KUBECONFIG": "", "KUBECONFIG": "", "ECOMOPS_IMAGE_TAG": ""}


def deploy_kubernetes(tmp_path, *args, env=None):
    started = time.monotonic()
    done = run_cli(
        "deploy", "--target", "kubernetes", "--junit", tmp_path / "deploy.xml", *args,
        env={**NO_KUBECONFIG, "HOME": str(tmp_path), **(env or {})}, timeout=60,
    )  # fmt: skip
    assert time.monotonic() - started < 20, "deploy should have failed before the cluster"
    assert not (tmp_path / "deploy.xml").exists()
    assert done.stdout == ""
    assert done.returncode == 2, done.stderr
    return done


def test_kubernetes_without_a_kubeconfig_says_where_it_looked(tmp_path):
    done = deploy_kubernetes(tmp_path, "--image-tag", "abc123")
    assert f"no kubeconfig at {tmp_path / '.kube' / 'config'}" in done.stderr
    assert "--kubeconfig PATH or set ECOMOPS_KUBECONFIG" in done.stderr


def test_kubernetes_takes_the_kubeconfig_from_the_environment(tmp_path):
    done = deploy_kubernetes(
        tmp_path, "--image-tag", "abc123", env={"KUBECONFIG": str(tmp_path / "kc")}
    )
    assert f"no kubeconfig at {tmp_path / 'kc'}" in done.stderr


def test_kubernetes_needs_an_image_tag_but_no_inventory_or_credentials(tmp_path):
    done = deploy_kubernetes(
        tmp_path, "-i", tmp_path / "none.yml", "--kubeconfig", kubeconfig(tmp_path)
    )
    assert "no image tag: pass --image-tag TAG" in done.stderr


def test_kubernetes_refuses_an_unknown_overlay_and_lists_the_known(tmp_path):
    done = deploy_kubernetes(tmp_path, "--overlay", "gcp", "--kubeconfig", kubeconfig(tmp_path))
    assert "--overlay: no overlay 'gcp'" in done.stderr
    assert "(there are: aws, minimal)" in done.stderr


def test_kubernetes_refuses_app_server_flags(tmp_path):
    done = deploy_kubernetes(
        tmp_path, "--serial", "2", "--kubeconfig", kubeconfig(tmp_path), "--image-tag", "abc"
    )
    assert "--serial applies to the app servers, not to --target kubernetes" in done.stderr


def test_kubernetes_runs_the_playbook_up_to_the_cluster(tmp_path):
    """Input accepted: playbooks/kubernetes.yml renders the release, and its first call to
    the API server (a closed port on this machine) is what fails, as exit code 1."""
    done = run_cli(
        "deploy", "--target", "kubernetes", "--overlay", "minimal",
        "--kubeconfig", kubeconfig(tmp_path), "--image-tag", "0123456789ab",
        "--junit", tmp_path / "deploy.xml", "--json",
        env=NO_KUBECONFIG, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["target"] == "kubernetes" and report["image_tag"] == "0123456789ab"
    results = {task["task"]: task["status"] for task in report["tasks"]}
    assert results["Build the release's manifests with kustomize"] == "ok"
    assert results["Apply the namespace, configuration, Services and NetworkPolicies"] == "failed"
    assert "Run the release's migrations and wait for them to complete" not in results
    assert (tmp_path / "deploy.xml").is_file()


def test_deploy_help_explains_the_kubernetes_target():
    helped = run_cli("deploy", "--help")
    assert helped.returncode == 0
    assert "With --target kubernetes, run playbooks/kubernetes.yml" in " ".join(
        helped.stdout.split()
    )
    assert "--kubeconfig" in helped.stdout and "--overlay" in helped.stdout
