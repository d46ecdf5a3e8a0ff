from typing import ClassVar

from django.db.models import QuerySet
from rest_framework import generics, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.models import Address, User
from accounts.permissions import IsOwner
from accounts.serializers import (
    AccountDeleteSerializer,
    AccountSerializer,
    AddressSerializer,
    LogoutSerializer,
    RegisterSerializer,
)


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ScopedRateThrottle]
    throttle_scope = "auth"


class TokenView(TokenObtainPairView):
    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ScopedRateThrottle]
    throttle_scope = "auth"


class RefreshView(TokenRefreshView):
    permission_classes: ClassVar = [permissions.AllowAny]
    throttle_classes: ClassVar = [ScopedRateThrottle]
    throttle_scope = "auth"


class LogoutView(APIView):
    permission_classes: ClassVar = [permissions.IsAuthenticated]

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
