from typing import ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import login_guard
from accounts.models import Address, User
from accounts.permissions import IsOwner
from accounts.serializers import (
    AccountDeleteSerializer,
    AccountSerializer,
    AddressSerializer,
    LogoutSerializer,
    RegisterSerializer,
)
from accounts.tokens import AccountRefreshSerializer
from config.throttling import ClientScopedRateThrottle


def _too_many_failures(wait: int) -> dict[str, object]:
    return {
        "detail": f"Too many failed logins; retry in {wait} seconds.",
        "retry_after": wait,
    }


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ClientScopedRateThrottle]
    throttle_scope = "auth"


class TokenView(TokenObtainPairView):
    """Log in; failures back off per account and address (accounts/login_guard.py)."""

    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        email = request.data.get("email") if isinstance(request.data, dict) else None
        attempt = login_guard.attempt_for(request, email)
        wait = login_guard.retry_after(attempt)
        if wait is not None:
            return Response(
                _too_many_failures(wait),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(wait)},
            )
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            login_guard.record_failure(attempt)
            raise
        login_guard.record_success(attempt)
        return response


class RefreshView(TokenRefreshView):
    serializer_class = AccountRefreshSerializer
    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ClientScopedRateThrottle]
    throttle_scope = "auth"


class LogoutView(APIView):
    permission_classes: ClassVar = [permissions.IsAuthenticated]

    @extend_schema(request=LogoutSerializer, responses={205: None})
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = RefreshToken(serializer.validated_data["refresh"])
            if str(token["user_id"]) != str(request.user.pk):
                return Response(
                    {"detail": "This refresh token belongs to another user."},
                    status=status.HTTP_403_FORBIDDEN,
                )
            token.blacklist()
        except TokenError as error:
            return Response(
                {"detail": f"Refresh token rejected: {error}"}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(status=status.HTTP_205_RESET_CONTENT)


class AccountView(generics.RetrieveUpdateAPIView):
    """GET/PATCH the caller's own profile; DELETE it after confirming the password."""

    serializer_class = AccountSerializer
    permission_classes: ClassVar = [permissions.IsAuthenticated]
    http_method_names: ClassVar[list[str]] = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> User:
        return self.request.user

    def delete(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressViewSet(viewsets.ModelViewSet):
    serializer_class = AddressSerializer
    permission_classes: ClassVar = [permissions.IsAuthenticated, IsOwner]
    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "put", "delete"]

    def get_queryset(self) -> QuerySet[Address]:
        # Filtering here makes another user's address a 404: its existence is not revealed.
        return Address.objects.filter(user=self.request.user)

    def perform_create(self, serializer: AddressSerializer) -> None:
        serializer.save(user=self.request.user)


@never_cache
@csrf_protect
def admin_login(request: HttpRequest) -> HttpResponse:
    """Django's admin login behind the same back-off as the API's."""
    if request.method != "POST":
        return admin.site.login(request)
    attempt = login_guard.attempt_for(request, request.POST.get("username"))
    wait = login_guard.retry_after(attempt)
    if wait is not None:
        response = JsonResponse(_too_many_failures(wait), status=429)
        response["Retry-After"] = str(wait)
        return response
    response = admin.site.login(request)
    # The admin answers a successful login with a redirect, a failed one with the form again.
    if response.status_code == 302 and request.user.is_authenticated:
        login_guard.record_success(attempt)
    else:
        login_guard.record_failure(attempt)
    return response
