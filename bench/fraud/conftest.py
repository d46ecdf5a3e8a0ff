"""Borrow the backend's throwaway-PostgreSQL fixtures (its conftest does not apply here)."""

import importlib.util
from pathlib import Path

_path = Path(__file__).resolve().parents[2] / "app" / "backend" / "conftest.py"
_spec = importlib.util.spec_from_file_location("backend_conftest", _path)
assert _spec is not None and _spec.loader is not None
_backend = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_backend)

pg_cluster = _backend.pg_cluster
django_db_setup = _backend.django_db_setup
