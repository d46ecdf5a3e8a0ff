#!/usr/bin/env python3
"""Every variable a Terraform module declares is referenced by that module.

tflint's `terraform_unused_declarations` cannot be installed here (no release
on PyPI, Debian or npm), so this does its variable half: a `variable "x"`
block in a module's `*.tf` with no `var.x` elsewhere in that module's `*.tf`
is an input callers can set to no effect. References inside the variable's own
block (its validation) do not count. Exits 1 and names each unused variable.

    scripts/check_terraform_variables.py [TERRAFORM_DIR]

Each folder holding `*.tf` files under TERRAFORM_DIR is one module. Braces
inside strings are counted like any other, which holds for Terraform's
balanced `${...}` and regex `{m,n}`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

DECLARATION = re.compile(r'^variable\s+"([^"]+)"\s*\{', re.MULTILINE)
REFERENCE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")
# Only comments that open a line: `/*` and `//` also occur inside strings (ARNs, URLs).
COMMENT = re.compile(r"^[ \t]*(?:/\*.*?\*/|(?:#|//)[^\n]*)", re.DOTALL | re.MULTILINE)


def block_end(text: str, opening: int) -> int:
    """The index just past the brace that closes the one at `opening`.

    An unclosed block runs to the end of the file: terraform validate reports it.
    """
    depth = 0
    for index in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index + 1
    return len(text)


def unused(module: Path) -> list[str]:
    uses: Counter[str] = Counter()
    declared: list[str] = []
    for path in sorted(module.glob("*.tf")):
        text = COMMENT.sub("", path.read_text())
        uses.update(REFERENCE.findall(text))
        for match in DECLARATION.finditer(text):
            name = match.group(1)
            block = text[match.start() : block_end(text, match.end() - 1)]
            declared.append(name)
            # Its own validation is no use of it.
            uses.subtract(ref for ref in REFERENCE.findall(block) if ref == name)
    return [
        f"{module}: variable {name} is declared but never used"
        for name in declared
        if uses[name] <= 0
    ]


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "terraform"
    modules = sorted({path.parent for path in root.rglob("*.tf") if ".terraform" not in path.parts})
    found = [line for module in modules for line in unused(module)]
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
