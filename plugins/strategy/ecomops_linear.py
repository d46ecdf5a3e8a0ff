"""Ansible's linear strategy, run through Mitogen where Mitogen loads.

Without Mitogen every task starts a worker on the controller and a fresh Python
on the host; Mitogen keeps one interpreter per host, over the same SSH and
ProxyJump connection, which is most of a no-op converge's cost per app server
(bench P2). Where Mitogen is not installed or refuses the installed ansible-core,
this is Ansible's own linear strategy, with one warning. ansible.cfg's strategy;
ANSIBLE_STRATEGY=linear chooses plain SSH. playbooks/host_keys.yml first learns
new hosts' keys.
"""

from __future__ import annotations

from ansible import __version__ as ansible_version
from ansible.errors import AnsibleError
from ansible.plugins.loader import strategy_loader
from ansible.utils.display import Display

DOCUMENTATION = """
name: ecomops_linear
short_description: Ansible's linear strategy through Mitogen where it loads
description:
  - The linear strategy, with Mitogen's persistent per-host interpreter when
    Mitogen loads with the installed ansible-core; plain linear otherwise.
options: {}
"""


def _base() -> type:
    linear = strategy_loader.get("linear", class_only=True)
    try:
        # Mitogen checks the ansible-core release as it loads.
        import ansible_mitogen.strategy
    except (ImportError, AnsibleError) as error:
        Display().warning(
            f"Mitogen does not load with ansible-core {ansible_version} ({error}); "
            "running with plain SSH. Install the Mitogen of requirements/tools.txt, "
            "or set ANSIBLE_STRATEGY=linear to choose plain SSH."
        )
        return linear
    return type("MitogenLinear", (ansible_mitogen.strategy.StrategyMixin, linear), {})


class StrategyModule(_base()):  # type: ignore[misc]
    pass
