"""Settings for the test suite: production settings with test-only environment defaults.

The database host/port are filled in by conftest.py once its throwaway cluster runs.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("AUTH_THROTTLE_RATE", "10000/min")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ecommerce-test-media-"))
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="ecommerce-test-static-"))

from config.settings import *  # noqa: F403

# Hashing at production cost would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests check the manifest-free static URL only; the manifest needs collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
