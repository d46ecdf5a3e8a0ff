"""Settings for the test suite: production settings with test-only environment defaults.

The database host/port are filled in by conftest.py once its throwaway cluster runs.
"""

import atexit
import os
import shutil
import tempfile


def _scratch_dir(variable: str, prefix: str) -> None:
    """Point `variable` at a fresh directory removed when the run ends, unless already set."""
    if variable not in os.environ:
        path = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        os.environ[variable] = path


os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("AUTH_THROTTLE_RATE", "10000/min")
_scratch_dir("MEDIA_ROOT", "ecommerce-test-media-")
_scratch_dir("STATIC_ROOT", "ecommerce-test-static-")

# Imported last: the settings read the environment prepared above.
from config.settings import *  # noqa: E402, F403

# Hashing at production cost would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests check the manifest-free static URL only; the manifest needs collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
