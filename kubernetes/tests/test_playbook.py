"""playbooks/kubernetes.yml without a cluster: syntax, the preflight's refusals, and the
manifests it renders for a release (valid, policy-clean, pinned to the release's tag)."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import BIN, REPO, load_all, schema_errors
from policy import violations

PLAYBOOK = REPO / "playbooks" / "kubernetes.yml"
TAG = "0123456789ab"


def playbook(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ECOMOPS_")}
    environ |= {"ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    environ["PATH"] = f"{BIN}:{environ.get('PATH', '')}"
    return subprocess.run(
        [str(BIN / "ansible-playbook"), str(PLAYBOOK), *args],
        env=environ | (env or {}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_playbook_passes_syntax_check():
    done = playbook("--syntax-check")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, 'no usable image tag (""): set ECOMOPS_IMAGE_TAG'),
        ({"ECOMOPS_IMAGE_TAG": "latest"}, 'no usable image tag ("latest")'),
        ({"ECOMOPS_IMAGE_TAG": "a b"}, 'no usable image tag ("a b")'),
        (
            {"ECOMOPS_IMAGE_TAG": TAG, "ECOMOPS_KUBERNETES_OVERLAY": "gcp"},
            "no overlay gcp at",
        ),
    ],
)
def test_bad_input_fails_before_anything_is_rendered(env, message):
    done = playbook(env=env)
    assert done.returncode == 2, done.stdout
    assert message in done.stdout
    assert "Build the release's manifests" not in done.stdout


def test_a_missing_kubeconfig_fails_before_the_cluster_is_contacted(tmp_path):
    missing = tmp_path / "kubeconfig"
    done = playbook(env={"ECOMOPS_IMAGE_TAG": TAG, "ECOMOPS_KUBECONFIG": str(missing)})
    assert done.returncode == 2, done.stdout
    assert f"no kubeconfig at {missing}: set ECOMOPS_KUBECONFIG" in done.stdout
    assert "Apply the namespace" not in done.stdout


@pytest.mark.parametrize("overlay", ["aws", "minimal"])
def test_a_release_renders_valid_manifests_at_its_tag(tmp_path, overlay):
    out = tmp_path / "release.yaml"
    done = playbook(
        "-e", f"kubernetes_render_to={out}",
        "-e", '{"kubernetes_settings": {"DB_HOST": "shop.abc.us-east-1.rds.amazonaws.com"}}',
        env={"ECOMOPS_IMAGE_TAG": TAG, "ECOMOPS_KUBERNETES_OVERLAY": overlay,
             "ECOMOPS_REGISTRY": "registry.example.com:5000"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    resources = load_all(out.read_text())
    assert schema_errors(resources) == []
    assert violations(resources) == []
    images = {
        c["image"]
        for r in resources
        if r["kind"] in ("Deployment", "Job")
        for c in r["spec"]["template"]["spec"]["containers"]
    }
    assert images == {
        f"registry.example.com:5000/{name}:{TAG}"
        for name in ("ecommerce-frontend", "ecommerce-backend", "ecommerce-fraud-api")
    }
    job = next(r for r in resources if r["kind"] == "Job")
    assert job["metadata"]["name"] == f"ecommerce-migrate-{TAG}"
    assert job["metadata"]["labels"]["app.kubernetes.io/version"] == TAG
    config = next(
        r for r in resources if r["kind"] == "ConfigMap" and "DB_HOST" in r.get("data", {})
    )
    assert config["data"]["DB_HOST"] == "shop.abc.us-east-1.rds.amazonaws.com"


def test_rendering_twice_gives_the_same_manifests(tmp_path):
    outs = [tmp_path / "one.yaml", tmp_path / "two.yaml"]
    for out in outs:
        done = playbook("-e", f"kubernetes_render_to={out}", env={"ECOMOPS_IMAGE_TAG": TAG})
        assert done.returncode == 0, done.stdout
    assert outs[0].read_text() == outs[1].read_text()
