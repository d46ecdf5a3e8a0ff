"""`ecomops-lab {up,down,push,seed,info}`: the lab's command line, driven by mk/lab.mk."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from docker.errors import DockerException
from ecomops.lock import exclusive

from ecomops_lab import registry, topology
from ecomops_lab.engine import LabError, client
from ecomops_lab.plan import Ports, build_plan
from ecomops_lab.services import ALERT_SINK_PORT, ALERT_SINK_RECORD
from ecomops_lab.state import LabDir, load_env

REPO = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecomops-lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="create or reuse the lab's networks and hosts")
    up.add_argument(
        "--app-hosts", type=int, default=int(os.environ.get("APP_HOSTS", "2")),
        help="number of app servers (env APP_HOSTS, default 2)",
    )  # fmt: skip
    up.add_argument(
        "--subnet",
        default=os.environ.get("LAB_SUBNET", "10.77"),
        help="first two octets of the lab's /24 networks (env LAB_SUBNET)",
    )
    sub.add_parser("down", help="remove every ecomops-lab-* container, network, volume and .lab/")
    push = sub.add_parser("push", help="push the application images to the lab registry")
    push.add_argument("--tag", default=os.environ.get("IMAGE_TAG", "dev"))
    sub.add_parser("seed", help="load the demo catalogue (idempotent) through the first app host")
    sub.add_parser("info", help="print where to look (never a secret)")
    return parser


def seed_catalogue(lab: LabDir) -> None:
    """A demo shop has products: the backend's own idempotent command, on the first host."""
    outputs = json.loads(lab.outputs.read_text())
    first = outputs["app_servers"][0]["name"]
    run = subprocess.run(
        ["ssh", "-F", str(lab.ssh_config), "-o", "BatchMode=yes", first,
         "sudo docker exec ecommerce-backend python manage.py seed_catalogue"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if run.returncode != 0:
        raise LabError(f"seed_catalogue on {first} failed: {run.stderr.strip()[-500:]}")
    print(f"lab: demo catalogue loaded through {first}")


def _info(lab: LabDir) -> str:
    outputs = json.loads(lab.outputs.read_text())
    state = json.loads(lab.state.read_text())
    monitoring = next(p for c, p in state["published"].items() if c.endswith("-monitoring"))
    first_app = outputs["app_servers"][0]["name"]
    return "\n".join(
        [
            "",
            "The lab is up:",
            f"  shop           {outputs['load_balancer']['url']}",
            f"  Prometheus     http://127.0.0.1:{monitoring['9090']}",
            f"  Grafana        http://127.0.0.1:{monitoring['3000']} (where Grafana is installed)",
            "  (Prometheus asks for user ecomops and ECOMOPS_PROMETHEUS_PASSWORD of the secrets)",
            f"  alerts         ssh -F {lab.ssh_config} {outputs['monitoring']['name']}"
            f" curl -s 127.0.0.1:{ALERT_SINK_PORT}/   (every notification Alertmanager sent;"
            f" also {ALERT_SINK_RECORD})",
            f"  ssh            ssh -F {lab.ssh_config} {first_app}   (through its bastion)",
            f"  secrets        {lab.env} (0600; `set -a; . {lab.env}` to use them)",
            "  tear down      make lab-down",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    lab = LabDir.under(REPO)
    try:
        with exclusive(REPO / ".cache" / "lab.lock", "lab command", sys.stderr):
            return _run(args, lab)
    except (LabError, ValueError) as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 1
    except DockerException as exc:
        print(f"lab: the Docker engine refused: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, lab: LabDir) -> int:
    client()
    if args.command == "up":
        topology.up(build_plan(args.app_hosts, args.subnet, Ports.from_env()), lab)
    elif args.command == "down":
        topology.down(lab)
    elif args.command == "push":
        env = load_env(lab.env)
        if not env:
            raise LabError(f"{lab.env} is missing: run 'make lab' (or 'make lab-up') first")
        registry.push(
            env["LAB_REGISTRY_PUSH"],
            env["ECOMOPS_REGISTRY_USER"],
            env["ECOMOPS_REGISTRY_PASSWORD"],
            args.tag,
        )
    elif args.command == "seed":
        seed_catalogue(lab)
    elif args.command == "info":
        if not lab.outputs.exists():
            raise LabError("the lab is not up: run 'make lab'")
        print(_info(lab))
    return 0
