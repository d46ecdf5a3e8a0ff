"""Terraform: read the `inventory` output, and init/plan/apply/destroy for provision."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomops.contract import Contract, parse_contract
from ecomops.errors import EcomopsError, ExitCode

OUTPUT_NAME = "inventory"
PLAN_FILE = "ecomops.tfplan"

BACKEND_ENV_PREFIX = "ECOMOPS_TF_BACKEND_"
# Written at each init when a backend is given: Terraform's override files may
# add the backend block the committed configuration leaves out (local state).
BACKEND_OVERRIDE = "backend_override.tf"
BACKEND_OVERRIDE_TEXT = """\
# Written by `ecomops provision` from --backend-config / ECOMOPS_TF_BACKEND_*
# at each init; git-ignored. See README.md, "State".
terraform {
  backend "s3" {}
}
"""
# Where the state lives and how it is reached; anything else is refused so a
# typo fails here rather than as an S3 error after init.
_SCALAR_SETTINGS = frozenset(
    {
        "bucket",
        "key",
        "region",
        "encrypt",
        "kms_key_id",
        "workspace_key_prefix",
        "use_path_style",
        "use_lockfile",
        "profile",
        "acl",
        "skip_credentials_validation",
        "skip_region_validation",
        "skip_requesting_account_id",
        "skip_metadata_api_check",
        "skip_s3_checksum",
    }
)
_FILE_SETTINGS = _SCALAR_SETTINGS | {"endpoints", "assume_role"}
# ECOMOPS_TF_BACKEND_ENDPOINT is the S3 endpoint (`endpoints = { s3 = ... }`).
_ENV_SETTINGS = _SCALAR_SETTINGS | {"endpoint"}
# A backend config file is bound in Jenkins and saved in .terraform/: no secrets in it.
_CREDENTIALS = frozenset({"access_key", "secret_key", "token", "sse_customer_key"})
_SETTING = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*(.*)")


@dataclass(frozen=True)
class Backend:
    """The S3 backend's partial configuration: a backend config file (key = value,
    as `terraform init -backend-config=FILE` reads it) and/or ECOMOPS_TF_BACKEND_*
    settings, which win. Locking is always S3's own lock file (use_lockfile)."""

    config_file: Path | None
    settings: Mapping[str, str]

    @classmethod
    def of(cls, config_file: Path | None, environ: Mapping[str, str]) -> Backend | None:
        """None when neither is given: the configuration's own backend (local by default)."""
        settings = {
            name.removeprefix(BACKEND_ENV_PREFIX).lower(): value
            for name, value in sorted(environ.items())
            if name.startswith(BACKEND_ENV_PREFIX) and value
        }
        if config_file is None and not settings:
            return None
        from_file = read_backend_config(config_file) if config_file else {}
        _check_names(
            {f"{BACKEND_ENV_PREFIX}{name.upper()}": name for name in settings}, _ENV_SETTINGS
        )
        merged = {**from_file, **settings}
        for name in ("bucket", "key"):
            if not merged.get(name):
                raise EcomopsError(
                    f"the S3 backend needs a {name}: set `{name} = ...` in the backend config "
                    f"file or {BACKEND_ENV_PREFIX}{name.upper()} "
                    "(see terraform/backend.s3.tfbackend.example)"
                )
        if merged.get("use_lockfile", "true") != "true":
            raise EcomopsError(
                "use_lockfile must stay true: ecomops always locks the state with S3's lock "
                "file (Terraform >= 1.10), so two runs never write it at once; remove the setting"
            )
        return cls(config_file.resolve() if config_file else None, settings)

    def init_args(self) -> list[str]:
        """`terraform init` arguments: the file, the settings over it, the lock file."""
        args = [f"-backend-config={self.config_file}"] if self.config_file else []
        for name, value in self.settings.items():
            if name == "endpoint":
                args.append(f"-backend-config=endpoints={{s3={json.dumps(value)}}}")
            else:
                args.append(f"-backend-config={name}={value}")
        return [*args, "-backend-config=use_lockfile=true"]


def read_backend_config(path: Path) -> dict[str, str]:
    """The top-level settings of a backend config file, string values unquoted;
    a nested object (endpoints, assume_role) is kept as written. Terraform does the
    full HCL parse at init: this only names what the file sets."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise EcomopsError(f"cannot read the backend config {path}: {exc.strerror}") from None
    found: dict[str, str] = {}
    lines: dict[str, str] = {}
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if depth == 0 and stripped and not stripped.startswith(("#", "//")):
            match = _SETTING.fullmatch(stripped)
            if not match:
                raise EcomopsError(
                    f"{path}:{number}: `{stripped}` is not `name = value`; a backend config "
                    'file holds only the S3 backend\'s settings, e.g. bucket = "my-state"'
                )
            name, value = match.groups()
            found[name] = (
                value[1:].split('"', 1)[0] if value.startswith('"') else value.split("#")[0].strip()
            )
            lines[f"{path}:{number}"] = name
        depth += stripped.count("{") - stripped.count("}")
    _check_names(lines, _FILE_SETTINGS)
    return found


def _check_names(names: Mapping[str, str], allowed: frozenset[str]) -> None:
    """`names` maps where each setting was given (file:line, variable) to its name."""
    for where, name in names.items():
        if name in _CREDENTIALS:
            raise EcomopsError(
                f"{where}: `{name}` is a credential; the S3 backend takes credentials from "
                "the AWS environment like the provider does (AWS_PROFILE, "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance or Jenkins role), "
                "never from the backend config"
            )
        if name == "dynamodb_table":
            raise EcomopsError(
                f"{where}: DynamoDB locking is deprecated; ecomops locks the state with "
                "S3's lock file (use_lockfile), remove dynamodb_table"
            )
        if name not in allowed:
            raise EcomopsError(
                f"{where}: unknown S3 backend setting `{name}`; ecomops accepts "
                f"{', '.join(sorted(allowed))}"
            )


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
            "the Terraform configuration must define it as in inventories/CONTRACT.md."
        )
    return parse_contract(output["value"], f"{source} (output `{OUTPUT_NAME}`)")


def init(chdir: Path, backend: Backend | None, local_state_ok: bool) -> None:
    """terraform init, on the S3 backend when one is given; then refuse local
    state unless `local_state_ok`."""
    if not chdir.is_dir():
        raise EcomopsError(f"no Terraform configuration at {chdir}; pass --terraform-dir")
    if backend:
        (chdir / BACKEND_OVERRIDE).write_text(BACKEND_OVERRIDE_TEXT)
    terraform(chdir, "init", "-input=false", *(backend.init_args() if backend else []))
    if not local_state_ok and backend_type(chdir) == "local":
        raise EcomopsError(
            f"{chdir} keeps its Terraform state in a local file and this is a Jenkins agent "
            "(JENKINS_URL is set), where no other agent or person sees it: give the S3 backend "
            "with --backend-config FILE (bucket, key, region: see "
            "terraform/backend.s3.tfbackend.example; the Jenkinsfile binds the file "
            f"credential `ecomops-tf-backend`) or {BACKEND_ENV_PREFIX}BUCKET, _KEY and "
            "_REGION, or pass --allow-local-state to keep the state on this agent"
        )


def backend_type(chdir: Path) -> str:
    """The backend `terraform init` settled on, from the working directory's
    record of it (.terraform/terraform.tfstate, which holds no state data)."""
    record = chdir / os.environ.get("TF_DATA_DIR", ".terraform") / "terraform.tfstate"
    try:
        return str(json.loads(record.read_text())["backend"]["type"])
    except (OSError, ValueError, KeyError, TypeError):
        return "local"


def provision(
    chdir: Path,
    var_files: list[Path],
    plan_only: bool,
    backend: Backend | None,
    local_state_ok: bool,
) -> None:
    """init, plan to a file, apply exactly that plan (unless plan_only)."""
    init(chdir, backend, local_state_ok or plan_only)
    var_args = [f"-var-file={path.resolve()}" for path in var_files]
    terraform(chdir, "plan", "-input=false", f"-out={PLAN_FILE}", *var_args)
    if not plan_only:
        terraform(chdir, "apply", "-input=false", PLAN_FILE)


def destroy(
    chdir: Path,
    var_files: list[Path],
    backend: Backend | None,
    local_state_ok: bool,
) -> None:
    var_args = [f"-var-file={path.resolve()}" for path in var_files]
    init(chdir, backend, local_state_ok)
    terraform(chdir, "destroy", "-input=false", "-auto-approve", *var_args)
