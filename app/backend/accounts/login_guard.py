"""Back-off for password logins (the API's token endpoint and the Django admin).

Failed logins are counted in the shared cache (PostgreSQL, see settings.CACHES) in fixed
windows of LOGIN_FAILURE_WINDOW_SECONDS, under three keys:

- account + address: the strict limit. Guessing one account's password from one address
  stops after a few tries, and only that pair waits: the owner elsewhere is not affected.
- address: one address trying many accounts (credential stuffing).
- account: many addresses guessing one account. Past this softer limit only addresses that
  logged in to the account successfully before (within LOGIN_KNOWN_ADDRESS_DAYS) may still
  try, so a distributed flood slows the attackers down without locking the owner out.

A successful login clears its pair's count and marks the address known to the account.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from config.client_address import client_address


@dataclass(frozen=True)
class LoginAttempt:
    account: str
    address: str

    def _key(self, kind: str, *parts: str) -> str:
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
        return f"login:{kind}:{digest}"

    @property
    def pair_key(self) -> str:
        return self._key("pair", self.account, self.address)

    @property
    def address_key(self) -> str:
        return self._key("address", self.address)

    @property
    def account_key(self) -> str:
        return self._key("account", self.account)

    @property
    def known_key(self) -> str:
        return self._key("known", self.account, self.address)


def attempt_for(request: HttpRequest, email: object) -> LoginAttempt:
    account = email.strip().lower() if isinstance(email, str) else ""
    return LoginAttempt(account=account, address=client_address(request))


def _limits(attempt: LoginAttempt) -> dict[str, int]:
    return {
        attempt.pair_key: settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS,
        attempt.address_key: settings.LOGIN_FAILURES_PER_ADDRESS,
        attempt.account_key: settings.LOGIN_FAILURES_PER_ACCOUNT,
    }


def retry_after(attempt: LoginAttempt) -> int | None:
    """Seconds this attempt must wait, or None when it may try its password."""
    now = time.time()
    limits = _limits(attempt)
    windows = cache.get_many([*limits, attempt.known_key])
    waits = []
    for key, limit in limits.items():
        count, until = windows.get(key, (0, now))
        if count < limit or until <= now:
            continue
        if key == attempt.account_key and windows.get(attempt.known_key):
            continue
        waits.append(until - now)
    return max(1, int(max(waits))) if waits else None


def record_failure(attempt: LoginAttempt) -> None:
    now = time.time()
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    current = cache.get_many(list(_limits(attempt)))
    for key in _limits(attempt):
        count, until = current.get(key, (0, now))
        if until <= now:
            count, until = 0, now + window
        cache.set(key, (count + 1, until), timeout=max(1, int(until - now)))


def record_success(attempt: LoginAttempt) -> None:
    cache.delete(attempt.pair_key)
    cache.set(attempt.known_key, 1, timeout=settings.LOGIN_KNOWN_ADDRESS_DAYS * 86400)
