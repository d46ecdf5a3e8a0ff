"""What every manifest of kubernetes/ must satisfy, as checks that name each breach.

`violations(resources)` takes rendered manifests (dicts, as `kubectl kustomize` prints
them) and returns one sentence per breach; an empty list means the set is acceptable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

Resource = dict[str, Any]

WORKLOADS = ("Deployment", "Job")
# Environment variables whose values are secrets: only ever from a Secret.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|KEY$")
# registry[:port]/path:tag or @digest; the tag is what follows the last colon after the last /.
TAGGED = re.compile(r"^[^@]+:(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$|@sha256:[0-9a-f]{64}$")


def _name(resource: Resource) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


def _pod(resource: Resource) -> Resource:
    return resource["spec"]["template"]["spec"]


def _containers(pod: Resource) -> Iterator[Resource]:
    yield from pod.get("initContainers") or []
    yield from pod.get("containers") or []


def _labels(resource: Resource) -> dict[str, str]:
    return resource["spec"]["template"]["metadata"].get("labels") or {}


def _selects(selector: Resource, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels, matchExpressions with In/NotIn/Exists) against labels."""
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and labels.get(key) in values)
            or (op == "Exists" and key not in labels)
            or (op == "DoesNotExist" and key in labels)
        ):
            return False
    return True


def image_problems(resource: Resource) -> Iterator[str]:
    for container in _containers(_pod(resource)):
        image = container.get("image", "")
        match = TAGGED.search(image)
        if not match:
            yield f"{_name(resource)}: image {image!r} of {container['name']} has no tag"
        elif match["tag"] == "latest":
            yield f"{_name(resource)}: image {image!r} of {container['name']} is `latest`"


def container_problems(resource: Resource) -> Iterator[str]:
    where = _name(resource)
    for container in _containers(_pod(resource)):
        name = container["name"]
        if resource["kind"] == "Deployment":
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    yield f"{where}: container {name} has no {probe}"
        resources = container.get("resources") or {}
        for bound in ("requests", "limits"):
            for kind in ("cpu", "memory"):
                if kind not in (resources.get(bound) or {}):
                    yield f"{where}: container {name} has no {kind} {bound[:-1]}"
        for env in container.get("env") or []:
            if SECRET_NAME.search(env["name"]) and "value" in env:
                yield f"{where}: {name} sets {env['name']} from a value, not a secretKeyRef"


def security_problems(resource: Resource) -> Iterator[str]:
    where = _name(resource)
    pod = _pod(resource)
    pod_ctx = pod.get("securityContext") or {}
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            yield f"{where}: {flag} is on"
    for container in _containers(pod):
        ctx = container.get("securityContext") or {}
        name = container["name"]

        def setting(key: str, ctx: Resource = ctx) -> Any:
            return ctx.get(key, pod_ctx.get(key))

        if ctx.get("privileged"):
            yield f"{where}: container {name} is privileged"
        if setting("runAsNonRoot") is not True:
            yield f"{where}: container {name} may run as root (runAsNonRoot is not true)"
        if setting("runAsUser") == 0:
            yield f"{where}: container {name} runs as root (runAsUser 0)"
        if ctx.get("allowPrivilegeEscalation") is not False:
            yield f"{where}: container {name} allows privilege escalation"
        if "ALL" not in ((ctx.get("capabilities") or {}).get("drop") or []):
            yield f"{where}: container {name} does not drop ALL capabilities"
        if (ctx.get("capabilities") or {}).get("add"):
            yield f"{where}: container {name} adds capabilities"
        if (setting("seccompProfile") or {}).get("type") != "RuntimeDefault":
            yield f"{where}: container {name} has no RuntimeDefault seccomp profile"
        if ctx.get("readOnlyRootFilesystem") is not True:
            yield f"{where}: container {name} has a writable root filesystem"


def rollout_problems(deployment: Resource, resources: list[Resource]) -> Iterator[str]:
    where = _name(deployment)
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type") != "RollingUpdate":
        yield f"{where}: strategy is not RollingUpdate"
    elif (strategy.get("rollingUpdate") or {}).get("maxUnavailable") != 0:
        yield f"{where}: rollingUpdate.maxUnavailable is not 0"
    name, labels = deployment["metadata"]["name"], _labels(deployment)
    hpas = [
        r
        for r in resources
        if r["kind"] == "HorizontalPodAutoscaler"
        and r["spec"]["scaleTargetRef"]
        == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    ]
    if not hpas:
        yield f"{where}: no HorizontalPodAutoscaler scales it"
    elif "replicas" in deployment["spec"]:
        yield f"{where}: sets replicas, which every deploy would reset under its autoscaler"
    for hpa in hpas:
        if hpa["apiVersion"] != "autoscaling/v2":
            yield f"{_name(hpa)}: not autoscaling/v2"
        if not any(
            m.get("type") == "Resource" and m["resource"]["name"] == "cpu"
            for m in hpa["spec"].get("metrics") or []
        ):
            yield f"{_name(hpa)}: does not scale on CPU"
    if not any(
        r["kind"] == "PodDisruptionBudget" and _selects(r["spec"]["selector"], labels)
        for r in resources
    ):
        yield f"{where}: no PodDisruptionBudget covers its pods"
    if not any(
        r["kind"] == "NetworkPolicy"
        and "Ingress" in r["spec"].get("policyTypes", [])
        and r["spec"]["podSelector"]
        and _selects(r["spec"]["podSelector"], labels)
        for r in resources
    ):
        yield f"{where}: no NetworkPolicy of its own says who may reach it"


def network_problems(resources: list[Resource]) -> Iterator[str]:
    policies = [r for r in resources if r["kind"] == "NetworkPolicy"]
    if not any(
        p["spec"]["podSelector"] == {}
        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
        for p in policies
    ):
        yield "no default-deny NetworkPolicy (every pod, Ingress and Egress, nothing allowed)"


def config_problems(resources: list[Resource]) -> Iterator[str]:
    for resource in resources:
        if resource["kind"] == "Secret":
            yield f"{_name(resource)}: secrets are created outside the repository, not rendered"
    allowed = {
        host
        for r in resources
        if r["kind"] == "ConfigMap" and "DJANGO_ALLOWED_HOSTS" in (r.get("data") or {})
        for host in r["data"]["DJANGO_ALLOWED_HOSTS"].split(",")
    }
    for ingress in (r for r in resources if r["kind"] == "Ingress"):
        for rule in ingress["spec"].get("rules") or []:
            if rule.get("host") and rule["host"] not in allowed:
                yield f"{_name(ingress)}: host {rule['host']} is not in DJANGO_ALLOWED_HOSTS"


def violations(resources: Iterable[Resource]) -> list[str]:
    resources = list(resources)
    found: list[str] = []
    for resource in resources:
        if resource["kind"] in WORKLOADS:
            found += image_problems(resource)
            found += container_problems(resource)
            found += security_problems(resource)
        if resource["kind"] == "Deployment":
            found += rollout_problems(resource, resources)
    found += network_problems(resources)
    found += config_problems(resources)
    return found
