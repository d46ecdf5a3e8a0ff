"""What each lab host gets at start, before Ansible: what AWS itself would provide.

Bastions, app servers and monitoring get only the key pair (cloud-init's job)
and their firewall; the managed services (RDS, the ALB, ECR) are configured
here entirely, since Ansible never configures those on AWS either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from docker.models.containers import Container

from ecomops_lab import firewall
from ecomops_lab.contract import DB_NAME, DB_USER, HAPROXY_BACKEND
from ecomops_lab.engine import ensure_file, run, write_file
from ecomops_lab.plan import SSH_USER, Host, Plan

FIREWALL_UNIT = """\
[Unit]
Description=Lab security group (nftables)
DefaultDependencies=no
Before=network-pre.target docker.service ssh.service
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f /etc/ecomops-lab.nft

[Install]
WantedBy=sysinit.target
"""


def apply_firewall(container: Container, host: Host, plan: Plan) -> None:
    """Written as a unit so that a stopped and restarted host is filtered again."""
    unit = "/etc/systemd/system/ecomops-lab-firewall.service"
    if ensure_file(container, unit, FIREWALL_UNIT):
        run(container, "systemctl", "daemon-reload")
        run(container, "systemctl", "enable", "--quiet", "ecomops-lab-firewall.service")
    if ensure_file(container, "/etc/ecomops-lab.nft", firewall.ruleset(host, plan), 0o600):
        run(container, "nft", "-f", "/etc/ecomops-lab.nft")


ALERT_SINK_PORT = 9095
ALERT_SINK_SCRIPT = "/usr/local/lib/ecomops-lab/alert_sink.py"
ALERT_SINK_RECORD = "/var/lib/ecomops-lab/alerts.jsonl"
ALERT_SINK_UNIT = f"""\
[Unit]
Description=Lab alert sink: records what Alertmanager sends (lab/ecomops_lab/alert_sink.py)
After=network.target

[Service]
ExecStart=/usr/bin/python3 {ALERT_SINK_SCRIPT} {ALERT_SINK_PORT} {ALERT_SINK_RECORD}
Restart=always
User=nobody
StateDirectory=ecomops-lab

[Install]
WantedBy=multi-user.target
"""


def start_alert_sink(container: Container) -> None:
    """The webhook receiver Alertmanager's lab route posts to (playbooks/group_vars)."""
    script = (Path(__file__).parent / "alert_sink.py").read_text()
    unit = "/etc/systemd/system/ecomops-lab-alert-sink.service"
    changed = ensure_file(container, ALERT_SINK_SCRIPT, script)
    if ensure_file(container, unit, ALERT_SINK_UNIT) or changed:
        run(container, "systemctl", "daemon-reload")
        run(container, "systemctl", "enable", "--quiet", "ecomops-lab-alert-sink.service")
        run(container, "systemctl", "restart", "ecomops-lab-alert-sink.service")


def authorize_key(container: Container, public_key: str) -> None:
    ensure_file(container, f"/home/{SSH_USER}/.ssh/authorized_keys", public_key, 0o600, SSH_USER)


def host_key(container: Container) -> str:
    # The host keys are made when sshd first starts (see the host image).
    run(container, "systemctl", "start", "ssh.service")
    key = run(container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub").split()
    return f"{key[0]} {key[1]}"


FINGERPRINT = "/etc/ecomops-lab.fingerprint"


def configured(container: Container, *inputs: str | bytes) -> tuple[bool, str]:
    """Whether the service was already set up from these inputs, and their fingerprint.

    Only a hash is stored, so a secret among the inputs never lands on the host.
    """
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(item.encode() if isinstance(item, str) else item)
        digest.update(b"\0")
    fingerprint = digest.hexdigest()
    current = run(container, "cat", FINGERPRINT, check=False).strip()
    return current == fingerprint, fingerprint


def remember(container: Container, fingerprint: str) -> None:
    write_file(container, FINGERPRINT, fingerprint + "\n", 0o600)


APT_PROXY_CONF = "/etc/apt/apt.conf.d/00ecomops-lab-mirror"


def use_apt_mirror(container: Container, proxy: str) -> None:
    """Debian packages through the lab's caching mirror (plain HTTP archives only)."""
    ensure_file(container, APT_PROXY_CONF, f'Acquire::http::Proxy "http://{proxy}:3142";\n')


def configure_aptcache(container: Container) -> None:
    # The cache folder is bind-mounted from the control node, where root owns
    # it: the service fails at boot until the folder is handed over to it.
    run(container, "chown", "-R", "apt-cacher-ng:", "/var/cache/apt-cacher-ng")
    changed = ensure_file(container, "/etc/apt-cacher-ng/zz-lab.conf", "PassThroughPattern: .*\n")
    active = run(container, "systemctl", "is-active", "apt-cacher-ng", check=False).strip()
    if changed or active != "active":
        run(container, "systemctl", "reset-failed", "apt-cacher-ng.service", check=False)
        run(container, "systemctl", "restart", "apt-cacher-ng.service")


# --- the registry (ECR) ----------------------------------------------------

REGISTRY_CONFIG = """\
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: :5000
  tls:
    certificate: /etc/docker/registry/registry.crt
    key: /etc/docker/registry/registry.key
auth:
  htpasswd:
    realm: ecomops-lab
    path: /etc/docker/registry/htpasswd
"""


def configure_registry(
    container: Container, user: str, password: str, tls: tuple[Path, Path]
) -> None:
    crt, key = tls
    done, fingerprint = configured(container, REGISTRY_CONFIG, user, password, crt.read_bytes())
    if done:
        return
    write_file(container, "/etc/docker/registry/config.yml", REGISTRY_CONFIG)
    write_file(container, "/etc/docker/registry/registry.crt", crt.read_bytes())
    write_file(
        container, "/etc/docker/registry/registry.key", key.read_bytes(), 0o600, "docker-registry"
    )
    # htpasswd reads the password from a root-only file, never from its arguments.
    write_file(container, "/root/.registry-password", password, 0o600)
    run(
        container, "sh", "-c",
        f"htpasswd -iBc /etc/docker/registry/htpasswd {user} < /root/.registry-password"
        " && rm -f /root/.registry-password",
    )  # fmt: skip
    run(container, "chown", "docker-registry:", "/etc/docker/registry/htpasswd")
    run(container, "chmod", "0600", "/etc/docker/registry/htpasswd")
    run(container, "systemctl", "restart", "docker-registry.service")
    remember(container, fingerprint)


# --- the database (RDS) ----------------------------------------------------


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier: the plain password never reaches the DB host."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def configure_database(container: Container, host: Host, plan: Plan, password: str) -> None:
    subnets = sorted({str(plan.networks[n].subnet) for n in host.addresses})
    done, fingerprint = configured(container, password, *subnets)
    if done:
        return
    version = run(container, "ls", "/etc/postgresql").split()[0]
    conf = f"/etc/postgresql/{version}/main"
    write_file(
        container,
        f"{conf}/conf.d/10-lab.conf",
        "listen_addresses = '*'\npassword_encryption = 'scram-sha-256'\nmax_connections = 200\n",
    )
    hba = [
        "local all postgres peer",
        "local all all peer",
        *(f"host {DB_NAME} {DB_USER} {subnet} scram-sha-256" for subnet in subnets),
    ]
    write_file(container, f"{conf}/pg_hba.conf", "\n".join(hba) + "\n", 0o640, "postgres")
    # Only constants and a SCRAM verifier of our own making: nothing to inject.
    sql = f"""\
SELECT 'CREATE ROLE {DB_USER} LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}')\\gexec
ALTER ROLE {DB_USER} PASSWORD '{scram_verifier(password)}';
SELECT 'CREATE DATABASE {DB_NAME} OWNER {DB_USER}'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DB_NAME}')\\gexec
"""  # noqa: S608
    run(container, "systemctl", "restart", "postgresql.service")
    write_file(container, "/var/lib/postgresql/lab-db.sql", sql, 0o600, "postgres")
    run(container, "runuser", "-u", "postgres", "--", "psql", "-q", "-v", "ON_ERROR_STOP=1",
        "-f", "/var/lib/postgresql/lab-db.sql")  # fmt: skip
    run(container, "rm", "-f", "/var/lib/postgresql/lab-db.sql")
    remember(container, fingerprint)


# --- the load balancer (ALB) -----------------------------------------------

SOCKET_DIR = "/var/lib/haproxy-admin"


def haproxy_config(plan: Plan) -> str:
    servers = "\n".join(
        f"    server {a.name} {a.private_ip}:3000 check observe layer4 error-limit 1"
        " on-error mark-down"
        for a in plan.by_role("app")
    )
    return f"""\
# Generated by the ecomops lab: the ALB's stand-in.
global
    log /dev/log local0
    stats socket {SOCKET_DIR}/admin.sock mode 660 level admin
    stats timeout 30s
    user haproxy
    group haproxy

defaults
    log global
    mode http
    option httplog
    option dontlognull
    # A connection inside the VPC opens in well under a millisecond; a host that has gone
    # (its address no longer answers) would otherwise hold each request sent to it for the
    # whole timeout before the retry.
    timeout connect 300ms
    timeout client 60s
    timeout server 60s
    timeout check 500ms
    # A request that meets a host going away is retried at once on another one (502: that
    # host's nginx lost its backend). Not a 503: the app sends it when what it needs (the
    # database, the payment provider) is down for every host, and says when to retry.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502

frontend www
    bind :80
    # As the ALB does: append the address the connection came from to
    # X-Forwarded-For; the storefront's nginx believes only that entry.
    option forwardfor
    default_backend {HAPROXY_BACKEND}

backend {HAPROXY_BACKEND}
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # A request the server may already have acted on is replayed only if it is safe to
    # repeat; a failed connection (nothing was sent) is retried whatever the method.
    http-request disable-l7-retry unless METH_GET || METH_OPTIONS
    # The first failed connection marks a server down (observe layer4); health checks
    # catch a silent one within about 1.5 s and bring it back after 2 good checks.
    default-server inter 1s fastinter 250ms downinter 1s fall 2 rise 2
{servers}
"""


def configure_lb(container: Container, plan: Plan) -> None:
    config = haproxy_config(plan)
    current = run(container, "cat", "/etc/haproxy/haproxy.cfg", check=False)
    if current != config:
        write_file(container, "/etc/haproxy/haproxy.cfg", config)
        run(container, "haproxy", "-c", "-q", "-f", "/etc/haproxy/haproxy.cfg")
        run(container, "systemctl", "restart", "haproxy.service")
