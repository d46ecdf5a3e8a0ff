"""One inventory folder per environment: `inventories/<env>/hosts.yml`, with its SSH
config and known_hosts in `.cache/ssh/<env>/`. Every command is told which environment
it targets (--env, ECOMOPS_ENV) or which inventory (-i), never whichever was built last."""

from __future__ import annotations

import re
from pathlib import Path

from ecomops.contract import ENVIRONMENTS
from ecomops.errors import EcomopsError

INVENTORIES = "inventories"
HOSTS = "hosts.yml"
# A folder name: nothing that leads out of inventories/.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_BUILD = "ecomops inventory --env {env} --from terraform|aws|file"


def built(root: Path) -> list[str]:
    """The environments built so far: the folders of inventories/ holding a hosts.yml."""
    return sorted(path.parent.name for path in (root / INVENTORIES).glob(f"*/{HOSTS}"))


def hosts_file(root: Path, env: str) -> Path:
    if not _NAME.fullmatch(env):
        raise EcomopsError(
            f"--env: {env!r} is not an environment name (a folder of {INVENTORIES}/: "
            "letters, digits, '_', '.', '-')"
        )
    return root / INVENTORIES / env / HOSTS


def ssh_dir(root: Path, env: str | None) -> Path:
    """Per environment: the lab's and AWS's bastions share their names, not their addresses."""
    shared = root / ".cache" / "ssh"
    return shared / env if env else shared


def inventory_path(root: Path, env: str | None, given: Path | None) -> Path:
    """-i PATH as given, else the hosts.yml of the environment, which must be built."""
    if given is not None:
        return given.resolve()
    if not env:
        folder = root / INVENTORIES
        others = sorted(
            f"{INVENTORIES}/{sub.name}"
            for sub in (folder.iterdir() if folder.is_dir() else ())
            if sub.is_dir() and not (sub / HOSTS).exists()
        )
        other = f" (e.g. -i {', '.join(others)})" if others else ""
        raise EcomopsError(
            f"which environment? pass --env NAME or set ECOMOPS_ENV, for "
            f"{INVENTORIES}/NAME/hosts.yml ({_built(root)}), or -i PATH for another "
            f"inventory{other}"
        )
    path = hosts_file(root, env)
    if not path.is_file():
        raise EcomopsError(
            f"no environment {env!r}: {path} does not exist ({_built(root)}); "
            f"build it with `{_BUILD.format(env=env)}`"
        )
    return path.resolve()


def output_path(root: Path, env: str | None, kind: str) -> Path:
    """Where `ecomops inventory` writes the hosts of a contract of `kind` (aws, lab)."""
    if not env:
        raise EcomopsError(
            f"which environment? pass --env NAME or set ECOMOPS_ENV, to write "
            f"{INVENTORIES}/NAME/hosts.yml (this contract describes the {kind} hosts: "
            f"--env {kind}), or -o PATH (- for stdout)"
        )
    path = hosts_file(root, env)
    # The other kind's name would be the mix-up these folders exist to prevent.
    if env in ENVIRONMENTS and env != kind:
        raise EcomopsError(
            f"--env {env}: this contract describes the {kind} hosts; "
            f"pass --env {kind} or a name of its own"
        )
    others = sorted(p.name for p in path.parent.glob("*.y*ml") if p.name != HOSTS)
    if others:
        raise EcomopsError(
            f"{path.parent} holds another inventory source ({', '.join(others)}): "
            f"-i {path.parent} would read both; pick another --env"
        )
    return path


def _built(root: Path) -> str:
    names = built(root)
    if names:
        return f"built: {', '.join(names)}"
    return f"none is built yet: `{_BUILD.format(env='NAME')}`"
