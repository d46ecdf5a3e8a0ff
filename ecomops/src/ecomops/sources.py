"""Where a contract comes from: Terraform state, a saved output document, or AWS tags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from ecomops import aws, terraform
from ecomops.contract import Contract, parse_contract
from ecomops.errors import EcomopsError

SOURCES = ("terraform", "aws", "file")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise EcomopsError(f"{path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise EcomopsError(f"{path} is not valid JSON: {exc}") from None


def load_contract(
    source: str,
    outputs_file: Path | None,
    terraform_dir: Path,
    project: str,
    region: str | None,
    ssh_user: str,
) -> tuple[Contract, str]:
    """(contract, a description of where it came from)."""
    if source == "file":
        if outputs_file is None:
            raise EcomopsError("--from file needs --outputs-file FILE (e.g. .lab/outputs.json)")
        return parse_contract(read_json(outputs_file), str(outputs_file)), str(outputs_file)
    if source == "terraform":
        if outputs_file is not None:
            doc, where = read_json(outputs_file), str(outputs_file)
        else:
            doc, where = (
                terraform.read_outputs(terraform_dir),
                f"terraform state in {terraform_dir}",
            )
        return terraform.contract_from_outputs(doc, where), where
    session = boto3.Session(region_name=region)
    return aws.discover(session, project, ssh_user), f"AWS tags (Project={project})"
