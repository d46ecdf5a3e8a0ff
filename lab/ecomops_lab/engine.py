"""Thin, typed helpers over the Docker SDK: networks, systemd containers, files and commands."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import socket
import tarfile
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

import docker
from docker.errors import APIError, NotFound
from docker.models.containers import Container

from ecomops_lab.plan import PREFIX, Host, Network, Plan

LABEL = "org.ecomops.lab"
SPEC_LABEL = "org.ecomops.lab.spec"
SYSTEMD_TMPFS = {"/run": "", "/tmp": ""}  # noqa: S108 - the container's own tmpfs


class LabError(RuntimeError):
    """A failure the user can act on; the message says how."""


def client() -> docker.DockerClient:
    try:
        c = docker.from_env(timeout=300)
        c.ping()
    except Exception as exc:
        raise LabError(f"no Docker engine answers ({exc}): run 'make docker-engine'") from exc
    return c


def ensure_network(dc: docker.DockerClient, net: Network) -> None:
    for existing in dc.networks.list(names=[net.name]):
        configs = existing.attrs.get("IPAM", {}).get("Config") or [{}]
        if configs[0].get("Subnet") == str(net.subnet):
            return
        raise LabError(f"network {net.name} exists with another subnet: run 'make lab-down' first")
    ipam = docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet=str(net.subnet), gateway=str(net.gateway))]
    )
    try:
        dc.networks.create(
            net.name, driver="bridge", ipam=ipam, internal=net.internal, labels={LABEL: "1"}
        )
    except APIError as exc:
        raise LabError(
            f"cannot create network {net.name} ({net.subnet}): {exc.explanation}. "
            "Another network overlaps it: choose other lab subnets with LAB_SUBNET=10.xx"
        ) from exc


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Extras:
    """What a container needs besides its plan entry."""

    binds: dict[str, str]  # host path -> container path
    image_id: str
    lab_id: str  # LabDir.identity(): a container belongs to one lab


def _spec(host: Host, extras: Extras) -> str:
    spec = {
        "image": extras.image_id,
        "lab": extras.lab_id,
        "addresses": {k: str(v) for k, v in host.addresses.items()},
        "published": host.published,
        "binds": extras.binds,
        "dind": host.dind,
        "systempaths": "unconfined" if host.dind else "default",
        "aliases": host.aliases,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def ensure_container(
    dc: docker.DockerClient, host: Host, plan: Plan, extras: Extras
) -> tuple[Container, bool]:
    """The running container of `host`; created only when missing or changed."""
    spec = _spec(host, extras)
    try:
        existing = dc.containers.get(host.container)
    except NotFound:
        existing = None
    if existing is not None:
        if existing.labels.get(SPEC_LABEL) == spec:
            if existing.status != "running":
                existing.start()
            return existing, False
        print(f"lab: {host.container} was made by another lab or from other inputs: recreating it")
        existing.remove(force=True)
    return _create(dc, host, plan, extras, spec), True


def _create(
    dc: docker.DockerClient, host: Host, plan: Plan, extras: Extras, spec: str
) -> Container:
    api = dc.api
    caps = ["SYS_ADMIN", "NET_ADMIN"]
    cap_drop: list[str] = []
    unmasked = False
    volumes = {"/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"}}
    volumes |= {src: {"bind": dst, "mode": "rw"} for src, dst in extras.binds.items()}
    if host.dind:
        # Docker inside: every capability the kernel lets us grant (the bounding
        # set lacks SYS_RESOURCE, which is why --privileged fails here).
        caps, cap_drop = ["ALL"], ["SYS_RESOURCE"]
        # A writable /proc/sys, as on a VM: the inner engine configures its
        # containers' network namespaces (IPv6 off) without any workaround.
        unmasked = True
        volumes[f"{host.container}-docker"] = {"bind": "/var/lib/docker", "mode": "rw"}
    ports: dict[int, tuple[str, int | None]] = {}
    for inner, wanted in host.published.items():
        chosen = wanted if wanted and port_is_free(wanted) else None
        if wanted and chosen is None:
            print(f"lab: 127.0.0.1:{wanted} is taken, {host.container}:{inner} gets a free port")
        ports[inner] = ("127.0.0.1", chosen)
    host_config = api.create_host_config(
        binds=volumes,
        cap_add=caps,
        cap_drop=cap_drop,
        security_opt=["seccomp=unconfined"],
        cgroupns="host",
        tmpfs=SYSTEMD_TMPFS,
        port_bindings=ports,
        restart_policy={"Name": "no"},
    )
    if unmasked:  # what `docker run --security-opt systempaths=unconfined` sends
        host_config["MaskedPaths"], host_config["ReadonlyPaths"] = [], []
    first, *others = host.addresses.items()
    networking = api.create_networking_config(
        {
            plan.networks[first[0]].name: api.create_endpoint_config(
                ipv4_address=str(first[1]), aliases=list(host.aliases) or None
            )
        }
    )
    if host.dind:
        # A new instance gets a new disk: nothing of an earlier engine survives.
        with contextlib.suppress(NotFound):
            dc.volumes.get(f"{host.container}-docker").remove(force=True)
        dc.volumes.create(f"{host.container}-docker", labels={LABEL: "1"})
    created = api.create_container(
        extras.image_id,
        name=host.container,
        hostname=host.key,
        detach=True,
        ports=list(host.published),
        host_config=host_config,
        networking_config=networking,
        labels={LABEL: "1", SPEC_LABEL: spec},
        stop_signal="SIGRTMIN+3",
    )
    container = dc.containers.get(created["Id"])
    for key, ip in others:
        dc.networks.get(plan.networks[key].name).connect(
            container, ipv4_address=str(ip), aliases=list(host.aliases) or None
        )
    container.start()
    return container


def published_ports(container: Container) -> dict[int, int]:
    container.reload()
    result: dict[int, int] = {}
    for key, bindings in (container.attrs["NetworkSettings"]["Ports"] or {}).items():
        if bindings:
            result[int(key.split("/")[0])] = int(bindings[0]["HostPort"])
    return result


def run(container: Container, *cmd: str, user: str = "root", check: bool = True) -> str:
    code, out = container.exec_run(list(cmd), user=user, demux=False)
    text = (out or b"").decode(errors="replace")
    if check and code != 0:
        raise LabError(f"{container.name}: `{' '.join(cmd)}` failed ({code}): {text.strip()}")
    return text


def write_file(
    container: Container, path: str, content: str | bytes, mode: int = 0o644, owner: str = "root"
) -> None:
    """Writes through the engine's archive API: contents never reach a command line.

    `owner` is a user of the container; the file gets that user's login group.
    """
    data = content.encode() if isinstance(content, str) else content
    target = PurePosixPath(path)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(target.name)
        info.size, info.mode, info.mtime = len(data), mode, int(time.time())
        tar.addfile(info, io.BytesIO(data))
    run(container, "install", "-d", str(target.parent))
    if not container.put_archive(str(target.parent), buf.getvalue()):
        raise LabError(f"{container.name}: could not write {path}")
    run(container, "chown", f"{owner}:", path)


def ensure_file(
    container: Container, path: str, content: str | bytes, mode: int = 0o644, owner: str = "root"
) -> bool:
    """Like write_file, but only when the contents differ; True when it wrote."""
    data = content.encode() if isinstance(content, str) else content
    code, current = container.exec_run(["cat", path])
    if code == 0 and current == data:
        return False
    write_file(container, path, data, mode, owner)
    return True


def wait_booted(container: Container, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        # `degraded` is a booted system with a failed unit a container cannot run.
        state = run(container, "systemctl", "is-system-running", check=False).strip()
        if state in {"running", "degraded"}:
            return
        time.sleep(0.5)
    raise LabError(
        f"{container.name} did not boot within {timeout:.0f}s (systemd says {state!r}): "
        f"see `docker logs {container.name}`"
    )


def lab_containers(dc: docker.DockerClient) -> list[Container]:
    return [
        c
        for c in dc.containers.list(all=True, filters={"label": LABEL})
        if c.name.startswith(f"{PREFIX}-")
    ]
