"""Terraform: read the `inventory` output, and init/plan/apply/destroy for provision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ecomops.contract import Contract, parse_contract
from ecomops.errors import EcomopsError, ExitCode

OUTPUT_NAME = "inventory"
PLAN_FILE = "ecomops.tfplan"


def terraform(chdir: Path, *args: str, capture: bool = False) -> str:
    """Run terraform in `chdir`; stream its output unless captured."""
    if not chdir.is_dir():
        raise EcomopsError(f"no Terraform configuration at {chdir}; pass --terraform-dir")
    command = ["terraform", f"-chdir={chdir}", *args]
    try:
        done = subprocess.run(command, capture_output=capture, text=True, check=False)
    except FileNotFoundError:
        raise EcomopsError(
            "terraform is not on PATH; install Terraform >= 1.11", ExitCode.TOOL_FAILED
        ) from None
    if done.returncode != 0:
        detail = f":\n{done.stderr.strip()}" if capture and done.stderr else ""
        raise EcomopsError(
            f"`terraform {' '.join(args)}` failed (exit {done.returncode}){detail}",
            ExitCode.TOOL_FAILED,
        )
    return done.stdout if capture else ""


def read_outputs(chdir: Path) -> dict[str, Any]:
    return json.loads(terraform(chdir, "output", "-json", capture=True) or "{}")


def contract_from_outputs(outputs: Any, source: str) -> Contract:
    """The contract is the `value` of the `inventory` output in `terraform output -json`."""
    if not isinstance(outputs, dict) or not outputs:
        raise EcomopsError(
            f"{source} holds no Terraform outputs: is there any state? "
            "Run `ecomops provision` first (or point --terraform-dir at the right folder)."
        )
    output = outputs.get(OUTPUT_NAME)
    if not isinstance(output, dict) or "value" not in output:
        raise EcomopsError(
            f"{source} has no `{OUTPUT_NAME}` output (it has: {', '.join(sorted(outputs))}); "
            "the Terraform configuration must define it as in inventory/CONTRACT.md."
        )
    return parse_contract(output["value"], f"{source} (output `{OUTPUT_NAME}`)")


def provision(chdir: Path, var_files: list[Path], plan_only: bool) -> None:
    """init, plan to a file, apply exactly that plan (unless plan_only)."""
    terraform(chdir, "init", "-input=false")
    var_args = [f"-var-file={path.resolve()}" for path in var_files]
    terraform(chdir, "plan", "-input=false", f"-out={PLAN_FILE}", *var_args)
    if not plan_only:
        terraform(chdir, "apply", "-input=false", PLAN_FILE)


def destroy(chdir: Path, var_files: list[Path]) -> None:
    var_args = [f"-var-file={path.resolve()}" for path in var_files]
    terraform(chdir, "init", "-input=false")
    terraform(chdir, "destroy", "-input=false", "-auto-approve", *var_args)
