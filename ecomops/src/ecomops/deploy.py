"""`ecomops deploy`: check the input, run the playbook of the target (site.yml on the hosts,
or kubernetes.yml on a cluster), report progress, totals and JUnit."""

from __future__ import annotations

import fnmatch
import itertools
import json
import os
import re
import shlex
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from ecomops.errors import EcomopsError, ExitCode
from ecomops.events import EventTracker, HostTotals, summary_table
from ecomops.inventory import inventory_host_names
from ecomops.junit import write_junit
from ecomops.lock import deploy_lock
from ecomops.runner import (
    PlaybookRun,
    RunOutcome,
    cancel_on_signals,
    private_data_dir,
    run_playbook,
)
from ecomops.secrets import DEPLOY_VARIABLES, Redactor, missing_variables, split_secrets

VAULT_VARIABLES = ("ANSIBLE_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_IDENTITY_LIST")
# compose: the app servers over SSH (playbooks/site.yml); kubernetes: a cluster
# (playbooks/kubernetes.yml, kubernetes/README.md).
TARGETS = ("compose", "kubernetes")
PLAYBOOKS = {"compose": "site.yml", "kubernetes": "kubernetes.yml"}
KUBERNETES_OVERLAYS = Path("kubernetes") / "overlays"


@dataclass(frozen=True)
class DeployRequest:
    project_dir: Path
    playbook: Path
    inventory: Path
    junit: Path
    image_tag: str | None
    limit: str | None = None
    tags: str | None = None
    check: bool = False
    diff: bool = False
    verbosity: int = 0
    serial: str | None = None
    target: str = "compose"
    kubeconfig: Path | None = None
    overlay: str = "aws"


def load_inventory(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise EcomopsError(
            f"no inventory at {path}: build it first with "
            "`ecomops inventory --from terraform` (or --from aws / --from file)"
        )
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise EcomopsError(f"{path} is not a readable inventory: {exc}") from None
    if not isinstance(doc, dict):
        raise EcomopsError(f"{path} is not an inventory (expected a mapping of groups)")
    return doc


def check_limit(limit: str, inventory: dict[str, Any], where: Path) -> None:
    """Every name in --limit must be a host or group of the inventory; patterns must match."""
    if "plugin" in inventory:  # a dynamic inventory: hosts are unknown until it runs
        return
    hosts, groups = inventory_host_names(inventory)
    known = hosts | groups
    for part in limit.replace(":", ",").split(","):
        name = part.strip().lstrip("!&")
        if not name or name.startswith(("~", "@")):
            continue
        if any(ch in name for ch in "*?[") and fnmatch.filter(known, name):
            continue
        if name not in known:
            raise EcomopsError(
                f"--limit: no host or group named {name!r} in {where}\n"
                f"  hosts: {', '.join(sorted(hosts)) or '(none)'}\n"
                f"  groups: {', '.join(sorted(groups))}"
            )


def check_ssh_config(inventory: dict[str, Any]) -> None:
    """The ssh_config an inventory from `ecomops inventory` names must still be there."""
    variables = (inventory.get("all") or {}).get("vars") or {}
    words = shlex.split(str(variables.get("ansible_ssh_common_args") or ""))
    for flag, value in itertools.pairwise(words):
        if flag == "-F" and not Path(value).is_file():
            raise EcomopsError(
                f"the inventory's SSH config {value} is missing: run `ecomops inventory` again"
            )


def image_tag(request: DeployRequest, environ: dict[str, str]) -> str:
    tag = request.image_tag or environ.get("ECOMOPS_IMAGE_TAG")
    if not tag:
        raise EcomopsError("no image tag: pass --image-tag TAG or set ECOMOPS_IMAGE_TAG")
    return tag


def kubeconfig_path(request: DeployRequest, environ: dict[str, str]) -> Path:
    """--kubeconfig, else ECOMOPS_KUBECONFIG, else KUBECONFIG (its first file), else ~/.kube."""
    if request.kubeconfig:
        return request.kubeconfig
    for name in ("ECOMOPS_KUBECONFIG", "KUBECONFIG"):
        if environ.get(name):
            return Path(environ[name].split(os.pathsep)[0]).expanduser()
    return Path.home() / ".kube" / "config"


def check_kubernetes_request(request: DeployRequest, environ: dict[str, str]) -> tuple[str, Path]:
    """Fail fast, before the cluster is contacted; returns the image tag and kubeconfig."""
    for flag, value in (("--limit", request.limit), ("--serial", request.serial)):
        if value:
            raise EcomopsError(
                f"{flag} applies to the app servers, not to --target kubernetes "
                "(the cluster rolls Deployments out one pod at a time itself)"
            )
    overlays = request.project_dir / KUBERNETES_OVERLAYS
    if not (overlays / request.overlay / "kustomization.yaml").is_file():
        known = (
            sorted(p.name for p in overlays.iterdir() if p.is_dir()) if overlays.is_dir() else []
        )
        raise EcomopsError(
            f"--overlay: no overlay {request.overlay!r} in {overlays} "
            f"(there are: {', '.join(known) or 'none'})"
        )
    if not request.playbook.is_file():
        raise EcomopsError(f"no playbook at {request.playbook}")
    kubeconfig = kubeconfig_path(request, environ)
    if not kubeconfig.is_file():
        raise EcomopsError(
            f"no kubeconfig at {kubeconfig}: pass --kubeconfig PATH or set ECOMOPS_KUBECONFIG "
            "(for EKS: `aws eks update-kubeconfig --name CLUSTER --kubeconfig PATH`)"
        )
    return image_tag(request, environ), kubeconfig.resolve()


def check_request(request: DeployRequest, environ: dict[str, str]) -> str:
    """Fail fast, before touching any host; returns the image tag."""
    inventory = load_inventory(request.inventory)
    check_ssh_config(inventory)
    if request.limit:
        check_limit(request.limit, inventory, request.inventory)
    if request.serial and not re.fullmatch(r"[1-9][0-9]*%?", request.serial):
        raise EcomopsError(f"--serial: {request.serial!r} is not a count (2) or percentage (25%)")
    if not request.playbook.is_file():
        raise EcomopsError(f"no playbook at {request.playbook}")
    missing = missing_variables(environ, DEPLOY_VARIABLES)
    # With a vault password configured the secrets may come from ansible-vault instead.
    vault = any(environ.get(name) for name in VAULT_VARIABLES)
    if missing and not vault:
        raise EcomopsError(
            f"missing credentials: set {', '.join(missing)} in the environment "
            "(Jenkins: withCredentials bindings; locally: the lab's .lab/env), "
            "or point ANSIBLE_VAULT_PASSWORD_FILE at the vault that holds them",
            ExitCode.MISSING_CREDENTIALS,
        )
    return image_tag(request, environ)


def controller_inventory(data_dir: Path) -> Path:
    """Only this machine, with our Python: the kubernetes.core modules need its `kubernetes`."""
    path = data_dir / "controller.yml"
    host = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    path.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": host}}}))
    return path


def exit_code(outcome: RunOutcome, totals: dict[str, HostTotals]) -> ExitCode:
    if outcome.status == "canceled":
        return ExitCode.CANCELLED
    if any(t.unreachable for t in totals.values()):
        return ExitCode.UNREACHABLE
    if any(t.failed for t in totals.values()):
        return ExitCode.TASK_FAILED
    if outcome.status != "successful":
        return ExitCode.TOOL_FAILED
    return ExitCode.OK


def deploy(
    request: DeployRequest, as_json: bool, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> ExitCode:
    environ = dict(os.environ)
    env: dict[str, str] = {}
    if request.target == "kubernetes":
        tag, kubeconfig = check_kubernetes_request(request, environ)
        env = {"ECOMOPS_KUBECONFIG": str(kubeconfig), "ECOMOPS_KUBERNETES_OVERLAY": request.overlay}
    else:
        tag = check_request(request, environ)
    redact = Redactor(split_secrets(environ)[1])
    tracker = EventTracker(stderr, redact, verbose=request.verbosity > 0)
    lock = request.project_dir / ".cache" / "deploy.lock"
    with (
        deploy_lock(lock, stderr),
        cancel_on_signals() as stop,
        private_data_dir() as data_dir,
    ):
        run = PlaybookRun(
            project_dir=request.project_dir,
            playbook=request.playbook,
            inventory=(
                controller_inventory(data_dir)
                if request.target == "kubernetes"
                else request.inventory
            ),
            limit=request.limit,
            tags=request.tags,
            check=request.check,
            diff=request.diff,
            verbosity=request.verbosity,
            serial=request.serial,
            env={"ECOMOPS_IMAGE_TAG": tag, **env},
        )
        outcome = run_playbook(run, tracker, data_dir, stop)
    totals = tracker.totals()
    code = exit_code(outcome, totals)
    if outcome.status == "canceled":
        stderr.write("deploy cancelled by a signal: hosts may be halfway through a change\n")
    write_junit(tracker.results, request.junit)
    if code == ExitCode.TOOL_FAILED:
        stderr.write(
            f"ansible-playbook stopped (status {outcome.status}, rc {outcome.rc}) before "
            f"finishing any host; its last output:\n{redact(outcome.output_tail)}\n"
        )
    table = summary_table(totals)
    if as_json:
        stderr.write(table)
        report = {
            "status": outcome.status,
            "exit_code": int(code),
            "image_tag": tag,
            "target": request.target,
            "hosts": {host: t.counts for host, t in sorted(totals.items())},
            "tasks": [asdict(r) for r in tracker.results],
            "junit": str(request.junit),
        }
        stdout.write(redact(json.dumps(report, indent=2)) + "\n")
    else:
        stdout.write(table)
        stdout.write(f"JUnit report: {request.junit}\n")
    return code
