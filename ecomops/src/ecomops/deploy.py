"""`ecomops deploy`: check the input, run the playbook of the target (site.yml on the hosts,
or kubernetes.yml on a cluster), report progress, totals and JUnit."""

from __future__ import annotations

import getpass
import itertools
import json
import os
import re
import shlex
import socket
import sys
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import boto3
import yaml

from ecomops import aws
from ecomops.errors import EcomopsError, ExitCode
from ecomops.events import EventTracker, HostTotals, summary_table
from ecomops.hosts import Inventory
from ecomops.junit import write_junit
from ecomops.lock import exclusive
from ecomops.releases import (
    Entry,
    check_migrations,
    fleet_release,
    good_releases,
    hosts_on,
    previous_release,
    read_fleet,
)
from ecomops.runner import (
    PlaybookRun,
    RunOutcome,
    cancel_on_signals,
    private_data_dir,
    run_playbook,
)
from ecomops.secrets import Redactor, missing_variables, needed_variables, split_secrets

# compose: the app servers over SSH (playbooks/site.yml); kubernetes: a cluster
# (playbooks/kubernetes.yml, kubernetes/README.md).
TARGETS = ("compose", "kubernetes")
PLAYBOOKS = {"compose": "site.yml", "kubernetes": "kubernetes.yml"}
KUBERNETES_OVERLAYS = Path("kubernetes") / "overlays"
# An inventory that lacks one has the playbooks look the database up in AWS (discover.yml).
DATABASE_VARIABLES = ("ecomops_db_host", "ecomops_db_port", "ecomops_db_name", "ecomops_db_user")


@dataclass(frozen=True)
class DeployRequest:
    """A deploy's (or rollback's) playbook run and what only a deploy has."""

    # Each ansible-playbook run of the deploy is this one with the image tag added (and,
    # for a rollback, app_servers.yml in place of the playbook).
    run: PlaybookRun
    junit: Path
    image_tag: str | None
    target: str = "compose"
    # Return the app servers to their previous release when the rollout fails.
    rollback: bool = True
    kubeconfig: Path | None = None
    overlay: str = "aws"


def check_ssh_config(inventory: Inventory) -> None:
    """The ssh_config an inventory from `ecomops inventory` names must still be there."""
    words = shlex.split(str(inventory.common_vars().get("ansible_ssh_common_args") or ""))
    for flag, value in itertools.pairwise(words):
        if flag == "-F" and not Path(value).is_file():
            raise EcomopsError(
                f"the inventory's SSH config {value} is missing: run `ecomops inventory` again"
            )


def playbook_groups(playbook: Path) -> set[str]:
    """The inventory groups the plays of `playbook` (and those it imports) target."""
    groups: set[str] = set()
    for play in yaml.safe_load(playbook.read_text()) or []:
        if "ansible.builtin.import_playbook" in play or "import_playbook" in play:
            name = play.get("ansible.builtin.import_playbook") or play["import_playbook"]
            groups |= playbook_groups(playbook.parent / name)
            continue
        pattern = str(play.get("hosts") or "")
        if "{{" in pattern:  # decided at run time: it may be any group
            return {"all"}
        parts = (part.strip() for part in pattern.replace(":", ",").split(","))
        groups |= {part.lstrip("&") for part in parts if part and not part.startswith("!")}
    return groups


def reached_groups(playbook: Path, inventory: Inventory) -> set[str]:
    """The groups with a host that the plays of `playbook` reach in `inventory`."""
    targeted = playbook_groups(playbook)
    hosts = {host for group in targeted for host in inventory.hosts(group)}
    return {group for group, members in inventory.groups.items() if hosts & set(members)}


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
    for flag, value in (("--limit", request.run.limit), ("--serial", request.run.serial)):
        if value:
            raise EcomopsError(
                f"{flag} applies to the app servers, not to --target kubernetes "
                "(the cluster rolls Deployments out one pod at a time itself)"
            )
    overlays = request.run.project_dir / KUBERNETES_OVERLAYS
    if not (overlays / request.overlay / "kustomization.yaml").is_file():
        known = (
            sorted(p.name for p in overlays.iterdir() if p.is_dir()) if overlays.is_dir() else []
        )
        raise EcomopsError(
            f"--overlay: no overlay {request.overlay!r} in {overlays} "
            f"(there are: {', '.join(known) or 'none'})"
        )
    if not request.run.playbook.is_file():
        raise EcomopsError(f"no playbook at {request.run.playbook}")
    kubeconfig = kubeconfig_path(request, environ)
    if not kubeconfig.is_file():
        raise EcomopsError(
            f"no kubeconfig at {kubeconfig}: pass --kubeconfig PATH or set ECOMOPS_KUBECONFIG "
            "(for EKS: `aws eks update-kubeconfig --name CLUSTER --kubeconfig PATH`)"
        )
    return image_tag(request, environ), kubeconfig.resolve()


def password_secret_arn(inventory: Inventory) -> str | None:
    """The secret RDS keeps the database password in, as playbooks/discover.yml finds it:
    the inventory's ecomops_db_password_secret_arn; else, when the inventory lacks the
    database (inventories/aws_ec2), that of the RDS instance tagged with the hosts'
    project in their region; else none (the password is ECOMOPS_DB_PASSWORD)."""
    common = inventory.common_vars()
    if common.get("ecomops_db_password_secret_arn"):
        return str(common["ecomops_db_password_secret_arn"])
    if all(name in common for name in DATABASE_VARIABLES):
        return None
    session = boto3.Session(region_name=common.get("ecomops_region"))
    return aws.database_secret_arn(session, common.get("ecomops_project") or aws.PROJECT)


def check_request(request: DeployRequest, environ: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Fail fast, before touching any host; returns the image tag and the secrets read from
    AWS (to redact them as those of the environment)."""
    run = request.run
    inventory = Inventory.read(run.project_dir, run.inventory)
    check_ssh_config(inventory)
    if run.limit:
        inventory.check_limit(run.limit)
    if run.serial and not re.fullmatch(r"[1-9][0-9]*%?", run.serial):
        raise EcomopsError(f"--serial: {run.serial!r} is not a count (2) or percentage (25%)")
    if not run.playbook.is_file():
        raise EcomopsError(f"no playbook at {run.playbook}")
    if run.limit:  # the hosts the run reaches, as Ansible applies --limit
        inventory = Inventory.read(run.project_dir, run.inventory, run.limit)
    needed = needed_variables(reached_groups(run.playbook, inventory), run.tags)
    # The playbooks read the password from the secret RDS keeps it in, if there is one
    # (playbooks/discover.yml); this run reads it too, only to redact it.
    secret_arn = password_secret_arn(inventory) if "ECOMOPS_DB_PASSWORD" in needed else None
    if secret_arn:
        needed = tuple(name for name in needed if name != "ECOMOPS_DB_PASSWORD")
    missing = missing_variables(environ, needed)
    if missing:
        raise EcomopsError(
            f"missing credentials: set {', '.join(missing)} in the environment "
            "(Jenkins: withCredentials bindings; locally: the lab's .lab/env)",
            ExitCode.MISSING_CREDENTIALS,
        )
    tag = image_tag(request, environ)
    return tag, ({secret_arn: aws.database_password(secret_arn)} if secret_arn else {})


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


def deployed_by(environ: dict[str, str], command: str) -> str:
    """Who or what deploys, for the release history: the Jenkins build, else user@host."""
    if environ.get("BUILD_TAG"):
        return f"{environ['BUILD_TAG']} ({command})"
    return f"{getpass.getuser()}@{socket.gethostname()} ({command})"


@dataclass
class _Play:
    """One ansible-playbook run of a deploy: its outcome, results and exit code."""

    tag: str
    outcome: RunOutcome
    tracker: EventTracker
    code: ExitCode

    def stopped_because(self) -> list[str]:
        """The messages of the tasks that stopped the rollout (the canary's verdict)."""
        return [
            r.message for r in self.tracker.results
            if r.status == "failed" and r.task.startswith("Stop the rollout")
        ]  # fmt: skip


def _play(
    request: DeployRequest,
    tag: str,
    env: dict[str, str],
    extra_vars: dict[str, Any],
    stop: threading.Event,
    stderr: TextIO,
    redact: Redactor,
) -> _Play:
    tracker = EventTracker(stderr, redact, verbose=request.run.verbosity > 0)
    with private_data_dir() as data_dir:
        run = replace(
            request.run,
            inventory=(
                controller_inventory(data_dir)
                if request.target == "kubernetes"
                else request.run.inventory
            ),
            env={**request.run.env, "ECOMOPS_IMAGE_TAG": tag, **env},
            extra_vars={**request.run.extra_vars, **extra_vars},
        )
        outcome = run_playbook(run, tracker, data_dir, stop)
    return _Play(tag, outcome, tracker, exit_code(outcome, tracker.totals()))


def roll_back(
    request: DeployRequest,
    leaving: str,
    target: Entry,
    stop: threading.Event,
    stderr: TextIO,
    redact: Redactor,
) -> _Play:
    """Return the app servers on `leaving` to `target` through the rolling deploy, its
    migrations judged first. Only hosts not on `target` change (the playbook's plan)."""
    fleet = read_fleet(request.run.project_dir, request.run.inventory)
    newer = hosts_on(fleet, leaving) or sorted(fleet)
    check_migrations(request.run.project_dir, request.run.inventory, newer, target)
    stderr.write(f"rollback: returning the app servers from {leaving} to {target.tag}\n")
    by = deployed_by(dict(os.environ), f"rollback from {leaving}")
    extra = {"ecomops_canary": False, "ecomops_release_outcome": "rolled_back",
             "ecomops_deployed_by": by}  # fmt: skip
    # Only the app servers' playbook: bastions and monitoring do not change with the release.
    playbook = request.run.project_dir / "playbooks" / "app_servers.yml"
    run = replace(request.run, playbook=playbook, limit=None, tags=None, check=False, diff=False)
    rollback = replace(request, run=run)
    return _play(rollback, target.tag, {}, extra, stop, stderr, redact)


def _report(
    request: DeployRequest,
    play: _Play,
    code: ExitCode,
    redact: Redactor,
    as_json: bool,
    stdout: TextIO,
    stderr: TextIO,
    extra: dict[str, Any],
) -> None:
    totals = play.tracker.totals()
    if play.outcome.status == "canceled":
        stderr.write("deploy cancelled by a signal: hosts may be halfway through a change\n")
    write_junit(play.tracker.results, request.junit)
    if play.code == ExitCode.TOOL_FAILED:
        stderr.write(
            f"ansible-playbook stopped (status {play.outcome.status}, rc {play.outcome.rc}) "
            f"before finishing any host; its last output:\n{redact(play.outcome.output_tail)}\n"
        )
    table = summary_table(totals)
    if as_json:
        stderr.write(table)
        report = {
            "status": play.outcome.status,
            "exit_code": int(code),
            "image_tag": play.tag,
            "target": request.target,
            "hosts": {host: t.counts for host, t in sorted(totals.items())},
            "tasks": [asdict(r) for r in play.tracker.results],
            "junit": str(request.junit),
            **extra,
        }
        stdout.write(redact(json.dumps(report, indent=2)) + "\n")
    else:
        stdout.write(table)
        stdout.write(f"JUnit report: {request.junit}\n")


def rollback_target(code: ExitCode, before: Entry | None, tag: str) -> Entry | None:
    """The release to return to after a deploy of `tag` that ended with `code`, if any: what
    the fleet served before, when the rollout failed on a host (not bad input, a cancel)."""
    failed = code in (ExitCode.TASK_FAILED, ExitCode.UNREACHABLE)
    return before if failed and before is not None and before.tag != tag else None


def _fleet_release_before(request: DeployRequest, stderr: TextIO) -> Entry | None:
    try:
        return fleet_release(read_fleet(request.run.project_dir, request.run.inventory))
    except EcomopsError as exc:
        stderr.write(f"deploy: no automatic rollback this time: {exc}\n")
        return None


def deploy(
    request: DeployRequest, as_json: bool, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> ExitCode:
    environ = dict(os.environ)
    env: dict[str, str] = {}
    from_aws: dict[str, str] = {}
    if request.target == "kubernetes":
        tag, kubeconfig = check_kubernetes_request(request, environ)
        env = {"ECOMOPS_KUBECONFIG": str(kubeconfig), "ECOMOPS_KUBERNETES_OVERLAY": request.overlay}
    else:
        tag, from_aws = check_request(request, environ)
    redact = Redactor({**split_secrets(environ)[1], **from_aws})
    # A failed rollout of the app servers goes back to what they served before.
    guarded = request.target == "compose" and not request.run.check and request.rollback
    lock = request.run.project_dir / ".cache" / "deploy.lock"
    extra: dict[str, Any] = {}
    with exclusive(lock, "deploy of this project", stderr), cancel_on_signals() as stop:
        before = _fleet_release_before(request, stderr) if guarded else None
        by = {"ecomops_deployed_by": deployed_by(environ, "deploy")} if guarded else {}
        play = _play(request, tag, env, by, stop, stderr, redact)
        code = play.code
        target = rollback_target(code, before, tag)
        if target is not None:
            reasons = play.stopped_because() or [f"the rollout of {tag} failed (see above)"]
            stderr.write(f"deploy: {'; '.join(reasons)}\n")
            extra = {"failed_release": tag, "reasons": reasons}
            try:
                rollback = roll_back(request, tag, target, stop, stderr, redact)
            except EcomopsError as exc:
                stderr.write(f"deploy: no rollback to {target.tag}: {exc}\n")
                _report(request, play, code, redact, as_json, stdout, stderr, extra)
                return code
            _report(request, play, code, redact, False, stderr, stderr, {})
            extra |= {"rolled_back_to": target.tag, "rollback_exit_code": int(rollback.code)}
            if rollback.code == ExitCode.OK:
                stderr.write(
                    f"deploy: {tag} was stopped ({'; '.join(reasons)}); the shop is back on "
                    f"the previous release {target.tag}\n"
                )
                code = ExitCode.ROLLED_BACK
            else:
                stderr.write(f"deploy: the rollback to {target.tag} failed too: act now\n")
            play = rollback
    _report(request, play, code, redact, as_json, stdout, stderr, extra)
    return code


def rollback(
    request: DeployRequest,
    to_tag: str | None,
    as_json: bool,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> ExitCode:
    """`ecomops rollback`: the fleet back to the good release before the one it serves."""
    environ = dict(os.environ)
    _, from_aws = check_request(replace(request, image_tag=to_tag or "unused"), environ)
    redact = Redactor({**split_secrets(environ)[1], **from_aws})
    lock = request.run.project_dir / ".cache" / "deploy.lock"
    with exclusive(lock, "deploy of this project", stderr), cancel_on_signals() as stop:
        fleet = read_fleet(request.run.project_dir, request.run.inventory)
        current = fleet_release(fleet)
        if current is None:
            raise EcomopsError("no app server has a release history: nothing to roll back")
        if to_tag:
            known = [e for entries in fleet.values() for e in good_releases(entries)]
            target = next((e for e in reversed(known) if e.tag == to_tag), None)
            if target is None:
                raise EcomopsError(f"--to: no app server's history has {to_tag} as a good release")
        else:
            target = previous_release(fleet, current.tag)
        play = roll_back(request, current.tag, target, stop, stderr, redact)
    extra = {"rolled_back_from": current.tag, "rolled_back_to": target.tag}
    _report(request, play, play.code, redact, as_json, stdout, stderr, extra)
    return play.code
