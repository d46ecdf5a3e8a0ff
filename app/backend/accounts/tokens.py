"""Refresh tokens: revocation on password change, and refresh that answers 401, not 500."""

from typing import Any

from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User


def revoke_refresh_tokens(user: User) -> int:
    """Blacklist every refresh token issued to `user` (each is recorded as outstanding)."""
    open_tokens = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in open_tokens], ignore_conflicts=True
    )
    return len(revoked)


class AccountRefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            return super().validate(attrs)
        except User.DoesNotExist:
            # The token is genuine but its account was deleted since.
            raise AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            ) from None
