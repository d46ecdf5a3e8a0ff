"""playbooks/kubernetes.yml without a cluster: syntax, the preflight's refusals, and the
manifests it renders for a release (valid, policy-clean, pinned to the release's tag)."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml
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


ROLLOUT_STATES = {
    "finished": (3, {"observedGeneration": 3, "replicas": 2, "updatedReplicas": 2,
                     "availableReplicas": 2}, True),
    "spec not yet seen": (4, {"observedGeneration": 3, "replicas": 2, "updatedReplicas": 2,
                              "availableReplicas": 2}, False),
    "new pod starting": (4, {"observedGeneration": 4, "replicas": 3, "updatedReplicas": 1,
                             "availableReplicas": 2, "unavailableReplicas": 1}, False),
    "an old pod left": (4, {"observedGeneration": 4, "replicas": 2, "updatedReplicas": 1,
                            "availableReplicas": 2}, False),
    "just created": (1, {}, False),
}  # fmt: skip


def test_the_rollout_wait_ends_only_when_every_pod_is_new_and_ready(tmp_path):
    """The playbook's own `until` expression, evaluated by Ansible on Deployment statuses
    of each phase of a rolling update (k8s_info's answers on a real cluster)."""
    tasks = yaml.safe_load(PLAYBOOK.read_text())[0]["tasks"]
    until = next(task["until"] for task in tasks if "until" in task)
    (tmp_path / "until.j2").write_text("{{ (" + until + ") | to_json }}")
    cases = {
        name: {"resources": [{"metadata": {"generation": gen}, "status": status}]}
        for name, (gen, status, _) in ROLLOUT_STATES.items()
    }
    template = str(tmp_path / "until.j2")
    verdict = {
        "name": "Write each verdict",
        "ansible.builtin.copy": {
            "dest": str(tmp_path / "{{ item.key }}.json"),
            "content": f"{{{{ lookup('ansible.builtin.template', '{template}', "
            "template_vars={'kubernetes_rollout': item.value}) }}",
            "mode": "0644",
        },
        "loop": "{{ cases | dict2items }}",
    }
    play = {"name": "Evaluate", "hosts": "localhost", "gather_facts": False}
    check = tmp_path / "check.yml"
    check.write_text(yaml.safe_dump([{**play, "vars": {"cases": cases}, "tasks": [verdict]}]))
    done = subprocess.run(
        [str(BIN / "ansible-playbook"), str(check)], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    verdicts = {name: (tmp_path / f"{name}.json").read_text() for name in ROLLOUT_STATES}
    assert verdicts == {
        name: "true" if ready else "false" for name, (_, _, ready) in ROLLOUT_STATES.items()
    }
