"""EC2/RDS/ELBv2 discovery by tags (Project, Role, AZ, Name), target health, and the
database password RDS keeps in Secrets Manager.

boto3 honours AWS_ENDPOINT_URL, which is how the tests point it at moto_server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
import botocore.exceptions

from ecomops.contract import SECRET_ARN, Contract, parse_contract
from ecomops.errors import EcomopsError, ExitCode

T = TypeVar("T")
ROLES = {"bastion": "bastions", "app": "app_servers", "monitoring": "monitoring"}
# The Project tag Terraform gives everything (terraform/variables.tf's project), also
# the default of playbooks/discover.yml.
PROJECT = "ecommerce"


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {item["Key"]: item["Value"] for item in items or []}


def call(action: Callable[[], T]) -> T:
    """Run a boto3 call, turning its errors into messages that say what to do."""
    try:
        return action()
    except botocore.exceptions.NoCredentialsError as exc:
        raise EcomopsError(
            f"AWS: {exc}; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
            ExitCode.MISSING_CREDENTIALS,
        ) from None
    except botocore.exceptions.NoRegionError as exc:
        raise EcomopsError(
            f"AWS: {exc}; set AWS_REGION (or pass --region)", ExitCode.MISSING_CREDENTIALS
        ) from None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise EcomopsError(f"AWS call failed: {exc}", ExitCode.TOOL_FAILED) from None


def _instances(ec2: Any, project: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {group: [] for group in ROLES.values()}
    reservations = _pages(
        ec2,
        "describe_instances",
        "Reservations",
        Filters=[
            {"Name": "tag:Project", "Values": [project]},
            {"Name": "instance-state-name", "Values": ["pending", "running"]},
        ],
    )
    for reservation in reservations:
        for instance in reservation["Instances"]:
            tags = _tags(instance.get("Tags"))
            group = ROLES.get(tags.get("Role", ""))
            if group is None:
                continue
            host: dict[str, Any] = {
                "name": tags.get("Name", instance["InstanceId"]),
                "az": tags.get("AZ") or instance["Placement"]["AvailabilityZone"],
                "private_ip": instance.get("PrivateIpAddress"),
                "instance_id": instance["InstanceId"],
            }
            if instance.get("PublicIpAddress"):
                host["public_ip"] = instance["PublicIpAddress"]
            found[group].append(host)
    return {group: sorted(hosts, key=lambda h: h["name"]) for group, hosts in found.items()}


def _pages(client: Any, operation: str, key: str, **arguments: Any) -> list[dict[str, Any]]:
    """Every item of a listing call, all pages of it (an account may hold hundreds)."""
    pages = client.get_paginator(operation).paginate(**arguments)
    return [item for page in pages for item in page[key]]


def _database(rds: Any, project: str) -> dict[str, Any] | None:
    for db in _pages(rds, "describe_db_instances", "DBInstances"):
        if _tags(db.get("TagList")).get("Project") == project:
            return {
                "address": db["Endpoint"]["Address"],
                "port": db["Endpoint"]["Port"],
                "name": db.get("DBName"),
                "username": db.get("MasterUsername"),
                # Present when RDS manages the password (Terraform's default).
                "password_secret_arn": db.get("MasterUserSecret", {}).get("SecretArn"),
            }
    return None


def _load_balancer(elbv2: Any, project: str) -> dict[str, Any] | None:
    balancers = _pages(elbv2, "describe_load_balancers", "LoadBalancers")
    arns = [lb["LoadBalancerArn"] for lb in balancers]
    tagged = set()
    for start in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for desc in elbv2.describe_tags(ResourceArns=arns[start : start + 20])["TagDescriptions"]:
            if _tags(desc.get("Tags")).get("Project") == project:
                tagged.add(desc["ResourceArn"])
    for lb in balancers:
        if lb["LoadBalancerArn"] in tagged:
            groups = elbv2.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])
            arn = next((tg["TargetGroupArn"] for tg in groups["TargetGroups"]), None)
            return {
                "kind": "alb",
                "dns_name": lb["DNSName"],
                "url": f"http://{lb['DNSName']}",
                "target_group_arn": arn,
            }
    return None


def discover_document(session: boto3.Session, project: str, ssh_user: str) -> dict[str, Any]:
    """The contract document as Terraform would have written it, from live AWS state."""
    found = call(lambda: _instances(session.client("ec2"), project))
    if not any(found.values()):
        raise EcomopsError(
            f"no running instance tagged Project={project} and Role=bastion/app/monitoring in "
            f"{session.region_name}: check --project and --region, or run `ecomops provision`"
        )
    monitoring = found.pop("monitoring")
    return {
        "schema": 1,
        "project": project,
        "environment": "aws",
        "region": session.region_name,
        "ssh_user": ssh_user,
        **found,
        "monitoring": monitoring[0] if len(monitoring) == 1 else None,
        "database": call(lambda: _database(session.client("rds"), project)),
        "load_balancer": call(lambda: _load_balancer(session.client("elbv2"), project)),
    }


def discover(session: boto3.Session, project: str, ssh_user: str) -> Contract:
    document = discover_document(session, project, ssh_user)
    return parse_contract(document, f"AWS discovery (tag Project={project})")


def target_health(session: boto3.Session, target_group_arn: str) -> list[dict[str, str]]:
    """One row per registered target: id, port, state, reason."""
    answer = call(
        lambda: session.client("elbv2").describe_target_health(TargetGroupArn=target_group_arn)
    )
    return [
        {
            "target": f"{d['Target']['Id']}:{d['Target'].get('Port', '')}",
            "state": d["TargetHealth"]["State"],
            "reason": d["TargetHealth"].get("Reason", ""),
        }
        for d in answer["TargetHealthDescriptions"]
    ]


def database_secret_arn(session: boto3.Session, project: str) -> str | None:
    """The ARN of the secret RDS keeps the password of the project's database in, as
    playbooks/discover.yml finds it; None without such a database or when its password
    is given (not managed by RDS)."""
    database = call(lambda: _database(session.client("rds"), project))
    return database["password_secret_arn"] if database else None


def database_password(secret_arn: str) -> str:
    """The `password` of the secret RDS manages (JSON {"username", "password"}), asked of
    the secret's own region at every call, so that a rotated password is the one used."""
    arn = SECRET_ARN.fullmatch(secret_arn)
    if arn is None:
        raise EcomopsError(
            f"ecomops_db_password_secret_arn: {secret_arn!r} is not a Secrets Manager secret's "
            "ARN; rebuild the inventory with `ecomops inventory --env NAME --from terraform`"
        )
    client = boto3.Session(region_name=arn["region"]).client("secretsmanager")
    try:
        answer = call(lambda: client.get_secret_value(SecretId=secret_arn))
    except EcomopsError as exc:
        raise EcomopsError(
            f"the database password could not be read from {secret_arn} "
            "(ecomops_db_password_secret_arn, the inventory's or the RDS instance's): "
            f"{exc}. The credentials need secretsmanager:GetSecretValue on it; if the database "
            "was replaced, rebuild the inventory with "
            "`ecomops inventory --env NAME --from terraform`.",
            exc.code,
        ) from None
    try:
        return str(json.loads(answer["SecretString"])["password"])
    except (KeyError, TypeError, ValueError):
        raise EcomopsError(
            f"{secret_arn} holds no JSON with a `password` (the secret RDS manages does)",
            ExitCode.TOOL_FAILED,
        ) from None
