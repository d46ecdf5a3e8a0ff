"""The `ecomops` command line: argparse, dispatch, and turning errors into exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ecomops import aws, environments, terraform
from ecomops.canary import Prometheus, Thresholds, analyze, canary_window
from ecomops.deploy import PLAYBOOKS, TARGETS, DeployRequest, deploy, rollback
from ecomops.errors import EXIT_CODE_HELP, EcomopsError, ExitCode
from ecomops.hosts import Inventory
from ecomops.inventory import (
    FORMATS,
    SshFiles,
    build_inventory,
    render_inventory,
    write_ssh_files,
)
from ecomops.junit import write_junit
from ecomops.releases import fleet_release, read_fleet, render_history
from ecomops.runner import PlaybookRun
from ecomops.sources import SOURCES, load_contract
from ecomops.status import (
    CHECK_KINDS,
    gather,
    gather_until_healthy,
    inventory_prometheus_url,
    prometheus_credentials,
    render_checks,
)

T = TypeVar("T")

DESCRIPTION = """\
Deploy and operate the e-commerce stack: build the Ansible inventory from
Terraform, AWS tags or the lab, run playbooks/site.yml through ansible-runner,
check what runs. Run it from the repository (or pass --project-dir).

Every command on hosts names its environment: --env NAME (or ECOMOPS_ENV) is the
inventory inventories/NAME/hosts.yml that `ecomops inventory --env NAME` wrote;
-i PATH names any other inventory (e.g. -i inventories/aws_ec2, the EC2 tags).

examples:
  ecomops inventory --env aws --from terraform     # terraform output -> inventories/aws/hosts.yml
  ecomops inventory --env lab --from file --outputs-file .lab/outputs.json
  ecomops inventory --from aws --region us-east-1 -o - --format json
  ecomops deploy --env aws --image-tag "$(git rev-parse --short=12 HEAD)"
  ecomops deploy --env lab --limit app_servers --tags ecommerce_app --check --diff
  ecomops deploy --env aws --serial 50%            # rolling batches of half the app servers
  ecomops deploy --target kubernetes --kubeconfig ~/.kube/eks --image-tag "$SHA"
  export ECOMOPS_ENV=lab                           # the environment of the commands below
  ecomops status --json
  ecomops analyze --window 60                      # every app server's 5xx ratio and p99
  ecomops history --json                           # the release history of every app server
  ecomops rollback                                 # back to the release before the current one
  ecomops status -i inventories/aws_ec2            # the EC2 instances found by their tags
  ecomops provision --plan-only                    # init + plan to a file, no apply
  ecomops provision --backend-config team.s3.tfbackend   # state in S3, S3 lock file

secrets come from the environment only (never arguments): ECOMOPS_REGISTRY,
ECOMOPS_REGISTRY_USER, ECOMOPS_REGISTRY_PASSWORD, ECOMOPS_DB_PASSWORD (unless the
inventory names the secret RDS keeps it in: then it is read there, with the AWS
credentials), ECOMOPS_DJANGO_SECRET_KEY, ECOMOPS_GRAFANA_ADMIN_PASSWORD,
ECOMOPS_PROMETHEUS_PASSWORD (status reads it too), optionally ECOMOPS_ALERTMANAGER_SMTP_PASSWORD and
ECOMOPS_ALERTMANAGER_CHAT_WEBHOOK_URL. A deploy asks only for those of the hosts it
reaches (--limit) with the tasks it runs (--tags): `--limit bastions` needs none.
ECOMOPS_IMAGE_TAG may replace --image-tag; ECOMOPS_SSH_KEY may replace --ssh-key.
ECOMOPS_TF_BACKEND_BUCKET, _KEY, _REGION, _ENDPOINT (an S3-compatible endpoint), ...
set the S3 backend of provision and destroy, over --backend-config; its credentials
are the AWS environment's. On a Jenkins agent (JENKINS_URL set) both refuse local
state unless --allow-local-state.
"""


def find_project_dir(start: Path) -> Path:
    """The repository root: the nearest folder up from `start` holding ansible.cfg."""
    for folder in (start, *start.parents):
        if (folder / "ansible.cfg").is_file() and (folder / environments.INVENTORIES).is_dir():
            return folder
    raise EcomopsError(
        f"no ecomops repository (ansible.cfg + {environments.INVENTORIES}/) at or above {start}; "
        "run ecomops from the repository or pass --project-dir"
    )


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="count", default=0, help="more output (repeat for more)"
    )
    common.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    common.add_argument(
        "--project-dir", type=Path, help="repository root (default: found from the cwd)"
    )
    return common


def _command(
    sub: Any,  # what add_subparsers returns (its class is private)
    common: argparse.ArgumentParser,
    name: str,
    text: str,
    description: str | None = None,
    *,
    inventory: bool = False,
) -> argparse.ArgumentParser:
    """One subcommand, with the common flags and the exit codes in its --help."""
    parser = sub.add_parser(
        name, parents=[common], help=text, description=description or text,
        epilog=EXIT_CODE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    if inventory:
        where = parser.add_mutually_exclusive_group()
        _env_argument(where, "the environment: inventories/NAME/hosts.yml")
        where.add_argument(
            "-i",
            "--inventory",
            type=Path,
            help="any other inventory, file or folder (wins over ECOMOPS_ENV)",
        )
    return parser


def _env_argument(group: Any, text: str) -> None:  # a mutually exclusive group (private class)
    # No default environment: one picked for the user would be the last one built.
    group.add_argument(
        "--env",
        metavar="NAME",
        default=os.environ.get("ECOMOPS_ENV") or None,
        help=f"{text} (default: ECOMOPS_ENV, else none: name one)",
    )


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="ecomops",
        description=DESCRIPTION,
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    inv = _command(
        sub,
        common,
        "inventory",
        "build inventories/ENV/hosts.yml and the SSH config for ProxyJump",
        "Build the Ansible inventory of an environment from the inventory contract "
        "(inventories/CONTRACT.md): inventories/ENV/hosts.yml, and .cache/ssh/ENV/config "
        "for the bastions.",
    )
    inv.add_argument("--from", dest="source", choices=SOURCES, required=True, help="where to read")
    inv.add_argument(
        "--outputs-file",
        type=Path,
        help="saved `terraform output -json` (--from terraform) or a contract JSON (--from file)",
    )
    inv.add_argument("--terraform-dir", type=Path, help="default: terraform/ in the repository")
    inv.add_argument("--project", default=aws.PROJECT, help="Project tag (--from aws)")
    inv.add_argument("--region", help="AWS region (--from aws; default: AWS_REGION)")
    inv.add_argument("--ssh-user", default="ubuntu", help="login user (--from aws)")
    inv.add_argument(
        "--ssh-key",
        type=Path,
        default=Path(os.environ["ECOMOPS_SSH_KEY"]) if os.environ.get("ECOMOPS_SSH_KEY") else None,
        help="private key for every hop (default: ECOMOPS_SSH_KEY, else the contract's, if any)",
    )
    inv.add_argument(
        "--ssh-dir",
        type=Path,
        help="default: .cache/ssh/ENV (with -o: .cache/ssh) in the repository",
    )
    inv.add_argument("--format", choices=FORMATS, default="yaml")
    where = inv.add_mutually_exclusive_group()
    _env_argument(where, "write inventories/NAME/hosts.yml")
    where.add_argument(
        "-o", "--output", help="another inventory file, or - for stdout (wins over ECOMOPS_ENV)"
    )

    dep = _command(
        sub,
        common,
        "deploy",
        "run playbooks/site.yml (or kubernetes.yml) with progress, summary and JUnit",
        "Run playbooks/site.yml through ansible-runner: live progress on stderr, "
        "a per-host summary, a JUnit report (one case per host and task). With --target "
        "kubernetes, run playbooks/kubernetes.yml instead: render kubernetes/overlays/OVERLAY "
        "with every image at --image-tag, run that release's migrations Job and wait for it, "
        "apply, and wait for the rollout, on the cluster of --kubeconfig (the Secret "
        "`ecommerce-backend` must exist there: kubernetes/README.md).",
        inventory=True,
    )
    dep.add_argument("--limit", help="hosts or groups to run on (checked against the inventory)")
    dep.add_argument("--tags", help="only tasks with these tags (comma separated)")
    dep.add_argument("--check", action="store_true", help="dry run: change nothing")
    dep.add_argument("--diff", action="store_true", help="show changes to files and templates")
    dep.add_argument(
        "--serial",
        help="app servers per rolling batch: a count or a percentage (default: one at a time"
        " while any app server serves, all at once when none does)",
    )
    dep.add_argument("--image-tag", help="image tag to deploy (default: ECOMOPS_IMAGE_TAG)")
    dep.add_argument(
        "--target",
        choices=TARGETS,
        default="compose",
        help="compose: the app servers over SSH (default); kubernetes: a cluster",
    )
    dep.add_argument(
        "--kubeconfig",
        type=Path,
        help="--target kubernetes: the cluster's kubeconfig "
        "(default: ECOMOPS_KUBECONFIG, else KUBECONFIG, else ~/.kube/config)",
    )
    dep.add_argument(
        "--overlay",
        default="aws",
        help="--target kubernetes: a folder of kubernetes/overlays (aws, minimal; default aws)",
    )
    dep.add_argument("--junit", type=Path, help="default: reports/deploy.xml")
    dep.add_argument(
        "--no-rollback",
        dest="rollback",
        action="store_false",
        help="leave a failed rollout as it is instead of returning the app servers to the "
        "release they served before (exit code 7 says a rollback happened)",
    )
    # Test and expert hook: another playbook through the same machinery.
    dep.add_argument("--playbook", type=Path, help=argparse.SUPPRESS)

    stat = _command(
        sub,
        common,
        "status",
        "load balancer health, Prometheus targets, versions per host, active fraud model",
        inventory=True,
    )
    stat.add_argument("--prometheus-url", help="default: http://<monitoring host>:9090")
    stat.add_argument("--junit", type=Path, help="default: reports/status.xml")
    stat.add_argument(
        "--checks",
        default=",".join(CHECK_KINDS),
        help=f"comma separated subset of {','.join(CHECK_KINDS)} (default: all)",
    )
    stat.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="ask again every 5 s until everything is healthy or SECONDS pass "
        "(a smoke test right after a deploy: Prometheus needs a scrape to see new targets)",
    )

    ana = _command(
        sub,
        common,
        "analyze",
        "judge app servers on their 5xx ratio and p99 latency in Prometheus",
        "Wait one analysis window, then judge the backends of the --canary hosts "
        "(default: every app server) over it against the other app servers and the "
        "thresholds: what the rolling deploy asks after its first batch (roles/canary, whose "
        "defaults/main.yml holds the default thresholds), and the Jenkinsfile's smoke test.",
        inventory=True,
    )
    ana.add_argument("--prometheus-url", help="default: http://<monitoring host>:9090")
    ana.add_argument("--canary", action="append", default=[], metavar="HOST", help="repeatable")
    ana.add_argument(
        "--baseline",
        action="append",
        default=None,
        metavar="HOST",
        help="repeatable (default: the app servers that are not --canary; --baseline= none)",
    )
    ana.add_argument(
        "--prometheus-password-stdin",
        action="store_true",
        help="read Prometheus' password from stdin (default: ECOMOPS_PROMETHEUS_PASSWORD); "
        "the user is ECOMOPS_PROMETHEUS_USER, else ecomops",
    )
    ana.add_argument("--window", type=float, default=None, metavar="SECONDS")
    ana.add_argument("--max-error-ratio", type=float)
    ana.add_argument("--max-latency-ratio", type=float)
    ana.add_argument("--latency-floor", type=float, metavar="SECONDS")
    ana.add_argument("--min-requests", type=int)

    hist = _command(
        sub,
        common,
        "history",
        "the release history of every app server (what, when, by whom, outcome)",
        inventory=True,
    )
    hist.add_argument("--last", type=int, default=10, help="entries per host (default 10)")

    rb = _command(
        sub,
        common,
        "rollback",
        "return the app servers to the release before the current one",
        "Read the release history, judge the current release's migrations "
        "(expand/contract: `manage.py rollback_safety`), and deploy the previous good release "
        "through the rolling deploy (drain, deploy, health gate, rejoin), without canary.",
        inventory=True,
    )
    rb.add_argument("--to", metavar="TAG", help="this good release of the history instead")
    rb.add_argument("--junit", type=Path, help="default: reports/rollback.xml")

    for name, text in (
        ("provision", "terraform init, plan to a file, apply that plan"),
        ("destroy", "terraform destroy (needs --confirm)"),
    ):
        tf = _command(sub, common, name, text)
        tf.add_argument("--terraform-dir", type=Path, help="default: terraform/ in the repository")
        tf.add_argument("--var-file", type=Path, action="append", default=[], help="tfvars file")
        tf.add_argument(
            "--backend-config",
            type=Path,
            metavar="FILE",
            help="S3 backend settings (bucket, key, region: see "
            "terraform/backend.s3.tfbackend.example); "
            f"{terraform.BACKEND_ENV_PREFIX}* settings override it",
        )
        tf.add_argument(
            "--allow-local-state",
            action="store_true",
            help="on a Jenkins agent (JENKINS_URL set), keep the state in the workspace anyway",
        )
        if name == "provision":
            tf.add_argument("--plan-only", action="store_true", help="stop after the plan")
        else:
            tf.add_argument("--confirm", action="store_true", help="yes, destroy everything")
    return parser


def _inventory(args: argparse.Namespace, root: Path) -> None:
    contract, source = load_contract(
        args.source,
        args.outputs_file,
        args.terraform_dir or root / "terraform",
        args.project,
        args.region,
        args.ssh_user,
    )
    # -o wins over ECOMOPS_ENV, as -i does for the other commands.
    env = None if args.output else args.env
    output = Path(args.output) if args.output else environments.output_path(
        root, env, contract.environment
    )  # fmt: skip
    # A key named on our command line is relative to the cwd, one in the contract to the repo.
    identity = args.ssh_key.resolve() if args.ssh_key else None
    if identity is None and contract.ssh_private_key_file:
        identity = root / contract.ssh_private_key_file
    ssh = SshFiles.under(args.ssh_dir or environments.ssh_dir(root, env), identity)
    write_ssh_files(contract, ssh, source)
    text = render_inventory(build_inventory(contract, ssh), args.format)
    if args.output == "-":
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    summary = {
        "inventory": str(output),
        "ssh_config": str(ssh.config),
        "hosts": [host.name for host in contract.hosts],
        "source": source,
    }
    if args.json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stderr.write(
            f"wrote {output} ({len(contract.hosts)} hosts) and {ssh.config} from {source}\n"
        )


def _deploy(args: argparse.Namespace, root: Path) -> ExitCode:
    # A cluster is reached from the controller's own inventory: it names no environment.
    inventory = (
        environments.inventory_path(root, args.env, args.inventory)
        if args.target == "compose"
        else Path(os.devnull)
    )
    run = PlaybookRun(
        project_dir=root,
        playbook=(args.playbook or root / "playbooks" / PLAYBOOKS[args.target]).resolve(),
        inventory=inventory,
        limit=args.limit,
        tags=args.tags,
        check=args.check,
        diff=args.diff,
        verbosity=args.verbose,
        serial=args.serial,
    )
    request = DeployRequest(
        run=run,
        junit=(args.junit or root / "reports" / "deploy.xml").resolve(),
        image_tag=args.image_tag,
        target=args.target,
        kubeconfig=args.kubeconfig.resolve() if args.kubeconfig else None,
        overlay=args.overlay,
        rollback=args.rollback,
    )
    return deploy(request, args.json)


def _status(args: argparse.Namespace, root: Path) -> ExitCode:
    kinds = tuple(kind.strip() for kind in args.checks.split(",") if kind.strip())
    unknown = sorted(set(kinds) - set(CHECK_KINDS))
    if unknown:
        raise EcomopsError(f"--checks: unknown {', '.join(unknown)}; use {','.join(CHECK_KINDS)}")
    if args.wait < 0:
        raise EcomopsError(f"--wait: {args.wait:g} is not a number of seconds (0 or more)")
    inventory_path = environments.inventory_path(root, args.env, args.inventory)
    inventory = Inventory.read(root, inventory_path)
    checks = gather_until_healthy(
        lambda: gather(root, inventory_path, inventory, args.prometheus_url, kinds), args.wait
    )
    healthy = all(check.healthy for check in checks)
    junit = (args.junit or root / "reports" / "status.xml").resolve()
    write_junit([check.as_result() for check in checks], junit, suite="ecomops status")
    if args.json:
        doc = {"healthy": healthy, "checks": [check.as_dict() for check in checks]}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write(render_checks(checks))
    return ExitCode.OK if healthy else ExitCode.UNHEALTHY


def _analyze(args: argparse.Namespace, root: Path) -> ExitCode:
    given = (args.max_error_ratio, args.max_latency_ratio, args.latency_floor, args.min_requests)
    # The playbook passes every value; people mostly none (roles/canary's defaults).
    defaults = Thresholds.role_defaults(root) if None in given else None
    thresholds = Thresholds(
        max_error_ratio=_given(args.max_error_ratio, defaults, "max_error_ratio"),
        max_latency_ratio=_given(args.max_latency_ratio, defaults, "max_latency_ratio"),
        latency_floor_seconds=_given(args.latency_floor, defaults, "latency_floor_seconds"),
        min_requests=_given(args.min_requests, defaults, "min_requests"),
    )
    window = args.window if args.window is not None else canary_window(root)
    if window <= 0:
        raise EcomopsError(f"--window: {window:g} is not a number of seconds (more than 0)")
    inventory = None
    if not (args.prometheus_url and args.canary and args.baseline is not None):
        inventory = Inventory.read(
            root, environments.inventory_path(root, args.env, args.inventory)
        )
    servers = inventory.hosts("app_servers") if inventory else []
    canary = args.canary or servers
    if not canary:
        raise EcomopsError("no app server to judge: pass --canary HOST or an inventory with some")
    # An empty --baseline= says: no baseline (a fleet of one).
    baseline = [h for h in args.baseline if h] if args.baseline is not None else [
        host for host in servers if host not in canary
    ]  # fmt: skip
    url = args.prometheus_url or inventory_prometheus_url(inventory)
    environ = dict(os.environ)
    if args.prometheus_password_stdin:
        # How the playbook hands it over: never on a command line or in an environment.
        environ["ECOMOPS_PROMETHEUS_PASSWORD"] = sys.stdin.readline().strip()
    prometheus = Prometheus(url, prometheus_credentials(environ))
    verdict = analyze(prometheus, canary, baseline, window, thresholds)
    if args.json:
        sys.stdout.write(json.dumps(verdict.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(verdict.summary() + "\n")
    return ExitCode.OK if verdict.passed else ExitCode.UNHEALTHY


def _given(value: T | None, defaults: Thresholds | None, name: str) -> T:
    return getattr(defaults, name) if value is None else value


def _history(args: argparse.Namespace, root: Path) -> ExitCode:
    inventory_path = environments.inventory_path(root, args.env, args.inventory)
    Inventory.read(root, inventory_path)
    fleet = read_fleet(root, inventory_path)
    current = fleet_release(fleet)
    if args.json:
        doc = {
            "current": current.tag if current else None,
            "hosts": {
                h: [e.as_dict() for e in entries[-args.last :]] for h, entries in fleet.items()
            },
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write(render_history(fleet, args.last))
        sys.stdout.write(f"fleet release: {current.tag if current else 'unknown'}\n")
    return ExitCode.OK


def _rollback(args: argparse.Namespace, root: Path) -> ExitCode:
    run = PlaybookRun(
        project_dir=root,
        playbook=(root / "playbooks" / PLAYBOOKS["compose"]).resolve(),
        inventory=environments.inventory_path(root, args.env, args.inventory),
        verbosity=args.verbose,
    )
    request = DeployRequest(
        run=run,
        junit=(args.junit or root / "reports" / "rollback.xml").resolve(),
        image_tag=None,
    )
    return rollback(request, args.to, args.json)


def _terraform(args: argparse.Namespace, root: Path) -> None:
    chdir = args.terraform_dir or root / "terraform"
    backend = terraform.Backend.of(args.backend_config, os.environ)
    # State in one agent's workspace is seen by no other agent or person, and goes with it.
    local_state_ok = args.allow_local_state or not os.environ.get("JENKINS_URL")
    if args.command == "provision":
        terraform.provision(chdir, args.var_file, args.plan_only, backend, local_state_ok)
        return
    if not args.confirm:
        raise EcomopsError("destroy removes every resource of the stack; pass --confirm to proceed")
    terraform.destroy(chdir, args.var_file, backend, local_state_ok)


COMMANDS: dict[str, Callable[[argparse.Namespace, Path], ExitCode]] = {
    "analyze": _analyze,
    "history": _history,
    "rollback": _rollback,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = (args.project_dir or find_project_dir(Path.cwd())).resolve()
        if args.command == "inventory":
            _inventory(args, root)
            return ExitCode.OK
        if args.command == "deploy":
            return _deploy(args, root)
        if args.command == "status":
            return _status(args, root)
        if args.command in COMMANDS:
            return COMMANDS[args.command](args, root)
        _terraform(args, root)
        return ExitCode.OK
    except EcomopsError as exc:
        sys.stderr.write(f"ecomops {args.command}: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write(f"ecomops {args.command}: interrupted\n")
        return ExitCode.CANCELLED


if __name__ == "__main__":
    sys.exit(main())
