"""HAProxy's `show stat` as the lb_member role reads it.

The parser is the role's own script, which must stay self-contained on the
controller of a plain `ansible-playbook` run; the wrapper and the lab load that
file rather than parse the same CSV again.
"""

from __future__ import annotations

from functools import cache
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

from ecomops.errors import EcomopsError

SCRIPT = Path("roles") / "lb_member" / "files" / "haproxy_server_status.py"


@cache
def stat_reader(project_dir: Path) -> ModuleType:
    """The role's script as a module: `show_stat(socket)` and `servers(text, backend)`."""
    path = project_dir / SCRIPT
    spec = spec_from_file_location("haproxy_server_status", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise EcomopsError(f"no {SCRIPT} under {project_dir}: is it an ecomops project?")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
