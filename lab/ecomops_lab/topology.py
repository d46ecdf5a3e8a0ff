"""Bringing the lab up (idempotent: running containers are reused) and tearing it down."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import docker
from docker.errors import APIError, ImageNotFound, NotFound
from docker.models.containers import Container
from ecomops.environments import ssh_dir
from ecomops.inventory import SshFiles

from ecomops_lab import contract, services, sshkeys
from ecomops_lab.engine import (
    LABEL,
    Extras,
    LabError,
    ensure_container,
    ensure_network,
    lab_containers,
    published_ports,
    wait_booted,
)
from ecomops_lab.plan import APT_PROXY_NAME, PREFIX, REGISTRY_NAME, Host, Plan
from ecomops_lab.state import LabDir, ensure_env, write_json
from ecomops_lab.tls import ensure_registry_cert

REGISTRY_USER = "ecomops"


@dataclass(frozen=True)
class Lab:
    plan: Plan
    published: dict[str, dict[int, int]]
    created: list[str]

    def port(self, role: str, inner: int) -> int:
        host = next(h for h in self.plan.hosts if h.role == role)
        return self.published[host.container][inner]


def _image_id(dc: docker.DockerClient, name: str) -> str:
    try:
        return dc.images.get(name).id
    except ImageNotFound as exc:
        raise LabError(f"image {name} is missing: run 'make images'") from exc


def _extras(dc: docker.DockerClient, host: Host, lab: LabDir) -> Extras:
    binds = {}
    if host.role == "lb":
        binds[str(lab.haproxy_dir)] = services.SOCKET_DIR
    if host.role == "aptcache":
        # Outside .lab/ on purpose: the package cache outlives `make lab-down`.
        cache = lab.root.parent / ".cache" / "lab-apt"
        cache.mkdir(parents=True, exist_ok=True)
        binds[str(cache)] = "/var/cache/apt-cacher-ng"
    return Extras(binds=binds, image_id=_image_id(dc, host.image), lab_id=lab.identity())


Log = Callable[[str], None]


def up(plan: Plan, lab: LabDir, log: Log = print) -> Lab:
    dc = docker.from_env(timeout=300)
    lab.create()
    started = time.monotonic()
    _remove_extra_app_hosts(dc, plan)
    for net in plan.networks.values():
        ensure_network(dc, net)
    public_key = sshkeys.ensure_keypair(lab)
    ca, crt, key = ensure_registry_cert(lab.tls_dir, REGISTRY_NAME)

    def bring(host: Host) -> tuple[Host, Container, bool]:
        container, created = ensure_container(dc, host, plan, _extras(dc, host, lab))
        wait_booted(container)
        made = "created" if created else "reused"
        log(f"lab: {host.container} {made}, booted at {time.monotonic() - started:.0f}s")
        return host, container, created

    with ThreadPoolExecutor(max_workers=8) as pool:
        brought = list(pool.map(bring, plan.hosts))
    created = [h.container for h, _, made in brought if made]
    elapsed = time.monotonic() - started
    log(f"lab: {len(plan.hosts)} hosts up ({len(created)} created) in {elapsed:.0f}s")
    containers = {h.container: c for h, c, _ in brought}
    ports = {name: published_ports(c) for name, c in containers.items()}
    registry_port = ports[plan.one("registry").container][5000]
    env = ensure_env(
        lab,
        {
            "ECOMOPS_REGISTRY": plan.registry_address,
            "ECOMOPS_REGISTRY_USER": REGISTRY_USER,
            # The app servers' Docker trusts it through the docker role.
            "ECOMOPS_REGISTRY_CA_FILE": str(ca),
            "LAB_REGISTRY_PUSH": f"127.0.0.1:{registry_port}",
        },
    )

    def configure(item: tuple[Host, Container, bool]) -> tuple[str, str] | None:
        host, container, _ = item
        services.apply_firewall(container, host, plan)
        if host.role == "registry":
            services.configure_registry(
                container, REGISTRY_USER, env["ECOMOPS_REGISTRY_PASSWORD"], (crt, key)
            )
        elif host.role == "db":
            services.configure_database(container, host, plan, env["ECOMOPS_DB_PASSWORD"])
        elif host.role == "lb":
            services.configure_lb(container, plan)
        elif host.role == "aptcache":
            services.configure_aptcache(container)
        elif host.role == "monitoring":
            services.start_alert_sink(container)
        if host.ssh:
            services.use_apt_mirror(container, APT_PROXY_NAME)
            services.authorize_key(container, public_key)
        log(f"lab: {host.container} configured ({host.role}) at {time.monotonic() - started:.0f}s")
        if not host.ssh:
            return None
        name = sshkeys.known_host_name(host, ports[host.container])
        return name, services.host_key(container)

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = dict(k for k in pool.map(configure, brought) if k)
    sshkeys.merge_known_hosts(lab.known_hosts, keys)
    # The wrapper's generated ssh config checks keys against the lab environment's
    # known_hosts: give it the real keys rather than trusting on first use.
    wrapper = SshFiles.under(ssh_dir(lab.root.parent, "lab"), None)
    sshkeys.merge_known_hosts(wrapper.known_hosts, keys)
    lab.ssh_config.write_text(sshkeys.ssh_config(plan, lab, ports))
    write_json(
        lab.outputs, contract.outputs(plan, ports, str(lab.haproxy_socket), str(lab.ssh_key))
    )
    write_json(
        lab.state,
        {"app_hosts": len(plan.by_role("app")), "published": ports, "created": created},
    )
    log(f"lab: configured in {time.monotonic() - started:.0f}s; contract in {lab.outputs}")
    return Lab(plan=plan, published=ports, created=created)


def _remove_extra_app_hosts(dc: docker.DockerClient, plan: Plan) -> None:
    """Going from 8 app hosts back to 2 removes the 6 others."""
    wanted = {h.container for h in plan.hosts}
    for c in lab_containers(dc):
        if c.name.startswith(f"{PREFIX}-app-") and c.name not in wanted:
            c.remove(force=True, v=True)
            _remove_volume(dc, f"{c.name}-docker")


def _remove_volume(dc: docker.DockerClient, name: str) -> None:
    with contextlib.suppress(NotFound):
        dc.volumes.get(name).remove(force=True)


def down(lab: LabDir, log: Log = print) -> None:
    dc = docker.from_env(timeout=300)
    containers = lab_containers(dc)

    def remove(c: Container) -> None:
        c.remove(force=True, v=True)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(remove, containers))
    volumes = [v for v in dc.volumes.list(filters={"label": LABEL}) if v.name.startswith(PREFIX)]
    for v in volumes:
        v.remove(force=True)
    networks = [n for n in dc.networks.list(filters={"label": LABEL}) if n.name.startswith(PREFIX)]
    for n in networks:
        try:
            n.remove()
        except APIError as exc:
            raise LabError(f"cannot remove {n.name}: {exc.explanation}") from exc
    if lab.root.exists():
        shutil.rmtree(lab.root)
    log(
        f"lab: removed {len(containers)} containers, {len(volumes)} volumes, "
        f"{len(networks)} networks and {lab.root}"
    )
