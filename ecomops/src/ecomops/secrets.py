"""Which environment variables are secrets, and keeping them out of every output.

Secrets reach ansible-playbook only through its process environment (see
`handoff`), read there by `playbooks/group_vars/all.yml`. Everything we print or
write goes through a Redactor as a second line of defence behind `no_log`.
"""

from __future__ import annotations

from collections.abc import Mapping

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
DEPLOY_VARIABLES = ("ECOMOPS_REGISTRY", "ECOMOPS_REGISTRY_USER", *REQUIRED_SECRETS)
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
