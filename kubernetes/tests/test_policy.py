"""The checks fail on bad manifests: each broken variant below must be caught, by name.

Some are real overlays on top of base/, built by kubectl kustomize as `make test` builds
ours; the rest change one field of the rendered minimal overlay.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import KUBERNETES, render, schema_errors
from policy import violations

GOOD = render(KUBERNETES / "overlays" / "minimal")


def _find(resources: list[dict], kind: str, name: str) -> dict:
    return next(r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name)


def _container(resources: list[dict], name: str = "ecommerce-backend") -> dict:
    return _find(resources, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]


def _broken_overlay(tmp_path: Path, patch: str, images: str = "") -> list[dict]:
    """An overlay of base/ with one JSON patch on the backend Deployment."""
    base = Path("..") / Path(*([".."] * len(tmp_path.parts[1:]))) / KUBERNETES.relative_to("/")
    (tmp_path / "kustomization.yaml").write_text(
        f"resources:\n  - {base}/base\n{images}"
        "patches:\n  - target: {kind: Deployment, name: ecommerce-backend}\n"
        f"    patch: |-\n{patch}"
    )
    return render(tmp_path)


def test_the_good_set_passes():
    assert violations(GOOD) == []


def test_an_overlay_that_pins_latest_fails(tmp_path):
    images = "images:\n  - name: ecommerce-backend\n    newTag: latest\n"
    found = violations(_broken_overlay(tmp_path, "      []", images))
    assert (
        "Deployment/ecommerce-backend: image 'ecommerce-backend:latest' of gunicorn is `latest`"
        in found
    )
    assert "Job/ecommerce-migrate: image 'ecommerce-backend:latest' of migrate is `latest`" in found


def test_an_overlay_that_drops_a_probe_fails(tmp_path):
    patch = "      - op: remove\n        path: /spec/template/spec/containers/0/readinessProbe\n"
    found = violations(_broken_overlay(tmp_path, patch))
    assert found == ["Deployment/ecommerce-backend: container gunicorn has no readinessProbe"]


def test_an_overlay_with_a_privileged_container_fails(tmp_path):
    patch = (
        "      - op: add\n"
        "        path: /spec/template/spec/containers/0/securityContext/privileged\n"
        "        value: true\n"
    )
    found = violations(_broken_overlay(tmp_path, patch))
    assert found == ["Deployment/ecommerce-backend: container gunicorn is privileged"]


def _set(path: list, value: object) -> Callable[[list[dict]], None]:
    def change(resources: list[dict]) -> None:
        target = _container(resources)
        for key in path[:-1]:
            target = target.setdefault(key, {})
        if value is None:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


def _pod_spec(resources: list[dict]) -> dict:
    return _find(resources, "Deployment", "ecommerce-frontend")["spec"]["template"]["spec"]


def _drop(kind: str, name: str) -> Callable[[list[dict]], None]:
    return lambda resources: resources.remove(_find(resources, kind, name))


BROKEN = {
    "untagged image": (
        _set(["image"], "registry.example.com:5000/ecommerce-backend"),
        "image 'registry.example.com:5000/ecommerce-backend' of gunicorn has no tag",
    ),
    "latest tag": (_set(["image"], "ecommerce-backend:latest"), "is `latest`"),
    "no liveness probe": (_set(["livenessProbe"], None), "gunicorn has no livenessProbe"),
    "no memory limit": (
        _set(["resources", "limits", "memory"], None),
        "gunicorn has no memory limit",
    ),
    "no cpu request": (_set(["resources", "requests", "cpu"], None), "has no cpu request"),
    "runs as uid 0": (_set(["securityContext", "runAsUser"], 0), "runs as root (runAsUser 0)"),
    "root allowed": (
        lambda r: _pod_spec(r)["securityContext"].update(runAsNonRoot=False),
        "Deployment/ecommerce-frontend: container nginx may run as root",
    ),
    "host network": (lambda r: _pod_spec(r).update(hostNetwork=True), "hostNetwork is on"),
    "privilege escalation": (
        _set(["securityContext", "allowPrivilegeEscalation"], True),
        "gunicorn allows privilege escalation",
    ),
    "capabilities kept": (
        _set(["securityContext", "capabilities"], {"drop": ["NET_RAW"]}),
        "does not drop ALL capabilities",
    ),
    "writable root": (
        _set(["securityContext", "readOnlyRootFilesystem"], False),
        "gunicorn has a writable root filesystem",
    ),
    "secret as a value": (
        _set(["env"], [{"name": "DB_PASSWORD", "value": "hunter22"}]),
        "sets DB_PASSWORD from a value, not a secretKeyRef",
    ),
    "recreate strategy": (
        lambda r: _find(r, "Deployment", "fraud-api")["spec"].update(strategy={"type": "Recreate"}),
        "Deployment/fraud-api: strategy is not RollingUpdate",
    ),
    "maxUnavailable 1": (
        lambda r: _find(r, "Deployment", "fraud-api")["spec"]["strategy"]["rollingUpdate"].update(
            maxUnavailable=1
        ),
        "Deployment/fraud-api: rollingUpdate.maxUnavailable is not 0",
    ),
    "replicas beside an HPA": (
        lambda r: _find(r, "Deployment", "fraud-api")["spec"].update(replicas=2),
        "Deployment/fraud-api: sets replicas, which every deploy would reset",
    ),
    "no HPA": (
        _drop("HorizontalPodAutoscaler", "fraud-api"),
        "Deployment/fraud-api: no HorizontalPodAutoscaler scales it",
    ),
    "no PDB": (
        _drop("PodDisruptionBudget", "ecommerce-frontend"),
        "Deployment/ecommerce-frontend: no PodDisruptionBudget covers its pods",
    ),
    "no default deny": (_drop("NetworkPolicy", "default-deny"), "no default-deny NetworkPolicy"),
    "backend open to all": (
        _drop("NetworkPolicy", "ecommerce-backend"),
        "Deployment/ecommerce-backend: no NetworkPolicy of its own says who may reach it",
    ),
    "a Secret in the repo": (
        lambda r: r.append(
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {}}
        ),
        "Secret/x: secrets are created outside the repository",
    ),
    "ingress host not allowed": (
        lambda r: _find(r, "Ingress", "ecommerce")["spec"]["rules"][0].update(host="evil.example"),
        "host evil.example is not in DJANGO_ALLOWED_HOSTS",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_manifest_is_caught(case):
    change, expected = BROKEN[case]
    resources = copy.deepcopy(GOOD)
    change(resources)
    found = violations(resources)
    assert any(expected in message for message in found), found


def test_schema_validation_rejects_a_malformed_manifest():
    resources = copy.deepcopy(GOOD)
    _container(resources)["ports"][0]["containerPort"] = "eight thousand"
    probe = _container(resources, "ecommerce-frontend")["readinessProbe"]
    probe["httpGets"] = probe.pop("httpGet")  # an unknown field: strict validation
    errors = schema_errors(resources)
    assert len(errors) == 2, errors
    assert any("containerPort" in e for e in errors)
    assert any("httpGets" in e for e in errors)
