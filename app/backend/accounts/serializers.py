from typing import Any, ClassVar

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.models import Address, User
from accounts.tokens import revoke_refresh_tokens


class RegisterSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields: ClassVar[list[str]] = ["id", "email", "password", "first_name", "last_name"]

    def validate_email(self, value: str) -> str:
        email = value.lower()
        if User.objects.filter(email__iexact=email).exists():
            raise serializers.ValidationError("An account with this e-mail already exists.")
        return email

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], first_name=attrs.get("first_name", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from None
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        return User.objects.create_user(**validated_data)


class AccountSerializer(serializers.ModelSerializer):
    """The signed-in user's own profile; privilege flags are read-only.

    Changing the e-mail or the password needs the current password, so a stolen access
    token cannot take the account over; a new password revokes every refresh token.
    """

    password = serializers.CharField(write_only=True, required=False)
    current_password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields: ClassVar[list[str]] = [
            "id",
            "email",
            "first_name",
            "last_name",
            "is_staff",
            "date_joined",
            "password",
            "current_password",
        ]
        read_only_fields: ClassVar[list[str]] = ["id", "is_staff", "date_joined"]

    def validate_email(self, value: str) -> str:
        email = value.lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise serializers.ValidationError("An account with this e-mail already exists.")
        return email

    def validate_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, self.instance)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = attrs.pop("current_password", None)
        changes_email = "email" in attrs and attrs["email"] != self.instance.email.lower()
        if (changes_email or attrs.get("password")) and not (
            current and self.instance.check_password(current)
        ):
            raise serializers.ValidationError(
                {"current_password": ["Enter your current password to change e-mail or password."]}
            )
        return attrs

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        password = validated_data.pop("password", None)
        if password:
            instance.set_password(password)
        user = super().update(instance, validated_data)
        if password:
            revoke_refresh_tokens(user)
        return user


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True)

    def validate_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("The password is wrong; the account was kept.")
        return value


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields: ClassVar[list[str]] = [
            "id",
            "name",
            "phone_number",
            "line1",
            "landmark",
            "city",
            "state",
            "postal_code",
            "country",
            "created_at",
        ]
        read_only_fields: ClassVar[list[str]] = ["id", "created_at"]
