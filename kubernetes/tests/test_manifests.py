"""Every overlay renders, is valid Kubernetes and passes the policy checks."""

from __future__ import annotations

from collections import Counter

from conftest import KUBERNETES, SCHEMA_VERSION, render, schema_errors
from policy import violations

COMPONENTS = {"ecommerce-frontend", "ecommerce-backend", "fraud-api"}


def test_overlays_exist():
    assert {p.name for p in (KUBERNETES / "overlays").iterdir()} >= {"aws", "minimal"}


def test_every_manifest_matches_the_official_schemas(overlay):
    name, resources = overlay
    assert schema_errors(resources) == [], f"{name} against Kubernetes {SCHEMA_VERSION}"


def test_every_manifest_passes_the_policy(overlay):
    name, resources = overlay
    assert violations(resources) == [], name


def test_the_whole_shop_is_there(overlay):
    _, resources = overlay
    kinds = Counter(r["kind"] for r in resources)
    names = {r["kind"]: set() for r in resources}
    for r in resources:
        names[r["kind"]].add(r["metadata"]["name"])
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert names[kind] == COMPONENTS, kind
    assert kinds["Job"] == 1 and kinds["Ingress"] == 1 and kinds["Namespace"] == 1
    assert {r["metadata"].get("namespace") for r in resources if r["kind"] != "Namespace"} == {
        "ecommerce"
    }


def test_secrets_are_referenced_never_given(overlay):
    _, resources = overlay
    refs = {
        (env["name"], env["valueFrom"]["secretKeyRef"]["name"])
        for r in resources
        if r["kind"] in ("Deployment", "Job")
        for c in r["spec"]["template"]["spec"]["containers"]
        for env in c.get("env") or []
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    assert ("DB_PASSWORD", "ecommerce-backend") in refs
    assert ("DJANGO_SECRET_KEY", "ecommerce-backend") in refs


def test_the_aws_overlay_uses_the_alb_and_rds_subnets():
    resources = render(KUBERNETES / "overlays" / "aws")
    ingress = next(r for r in resources if r["kind"] == "Ingress")
    assert ingress["spec"]["ingressClassName"] == "alb"
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-type"] == "ip"
    database = next(r for r in resources if r["metadata"]["name"] == "database-clients")
    assert [t["ipBlock"]["cidr"] for t in database["spec"]["egress"][0]["to"]] == [
        "10.0.21.0/24",
        "10.0.22.0/24",
    ]


def test_the_fraud_api_gets_the_database_and_only_its_password(overlay):
    _, resources = overlay
    database = next(r for r in resources if r["metadata"]["name"] == "database-clients")
    (selector,) = database["spec"]["podSelector"]["matchExpressions"]
    assert "fraud-api" in selector["values"]
    deployment = next(
        r for r in resources if (r["kind"], r["metadata"]["name"]) == ("Deployment", "fraud-api")
    )
    pod = deployment["spec"]["template"]
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == "fraud-api"
    (container,) = pod["spec"]["containers"]
    assert [e["name"] for e in container["env"]] == ["DB_PASSWORD"]
