"""Which environment variables are secrets, and keeping them out of every output.

Secrets reach ansible-playbook only through its process environment (see
`handoff`), read there by `playbooks/group_vars/all.yml`. Everything we print or
write goes through a Redactor as a second line of defence behind `no_log`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

REQUIRED_SECRETS = (
    "ECOMOPS_REGISTRY_PASSWORD",
    "ECOMOPS_DB_PASSWORD",
    "ECOMOPS_DJANGO_SECRET_KEY",
    "ECOMOPS_GRAFANA_ADMIN_PASSWORD",
    "ECOMOPS_PROMETHEUS_PASSWORD",
)
# Only receivers that mail or post to chat need these (roles/alertmanager).
OPTIONAL_SECRETS = ("ECOMOPS_ALERTMANAGER_SMTP_PASSWORD", "ECOMOPS_ALERTMANAGER_CHAT_WEBHOOK_URL")
SECRET_VARIABLES = (*REQUIRED_SECRETS, *OPTIONAL_SECRETS)


@dataclass(frozen=True)
class Tier:
    """The variables a tier's plays need, and the --tags that run the tasks reading them."""

    group: str
    variables: tuple[str, ...]
    # Tag prefixes of its roles' tasks; None: they run whatever --tags says (tag always).
    tags: tuple[str, ...] | None = None

    def runs_with(self, tags: str | None) -> bool:
        chosen = [tag.strip() for tag in (tags or "").split(",") if tag.strip()]
        if self.tags is None or not chosen or "all" in chosen:
            return True
        return any(tag.startswith(self.tags) for tag in chosen)


TIERS = (
    # The app servers' plan and canary run under any --tags (roles/ecommerce_app, canary).
    Tier(
        "app_servers",
        (
            "ECOMOPS_REGISTRY",
            "ECOMOPS_REGISTRY_USER",
            "ECOMOPS_REGISTRY_PASSWORD",
            "ECOMOPS_DB_PASSWORD",
            "ECOMOPS_DJANGO_SECRET_KEY",
            "ECOMOPS_PROMETHEUS_PASSWORD",
        ),
    ),
    Tier(
        "monitoring",
        ("ECOMOPS_GRAFANA_ADMIN_PASSWORD", "ECOMOPS_PROMETHEUS_PASSWORD"),
        ("alertmanager_", "prometheus_", "grafana_"),
    ),
)


def needed_variables(groups: set[str], tags: str | None) -> tuple[str, ...]:
    """What a run must be given: the variables of the tiers it reaches (`groups`, the
    inventory groups its plays target that have hosts) with tasks that `tags` selects."""
    tiers = [tier for tier in TIERS if tier.group in groups and tier.runs_with(tags)]
    return tuple(dict.fromkeys(name for tier in tiers for name in tier.variables))


# Shorter values would redact ordinary words; no real secret is this short.
_MIN_REDACTED_LENGTH = 6
MASK = "********"


def missing_variables(env: Mapping[str, str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not env.get(name)]


def split_secrets(env: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(environment without secrets, the secrets)."""
    secrets = {k: v for k, v in env.items() if k in SECRET_VARIABLES and v}
    rest = {k: v for k, v in env.items() if k not in SECRET_VARIABLES}
    return rest, secrets


class Redactor:
    """Replaces every known secret value in a text with a mask."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        self.values = sorted(
            (v for v in secrets.values() if len(v) >= _MIN_REDACTED_LENGTH), key=len, reverse=True
        )

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        return text
