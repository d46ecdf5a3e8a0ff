from django.db.models import Model
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class IsOwner(BasePermission):
    """Object-level guard behind the owner-filtered querysets: never serve another user's row."""

    message = "You can only access your own records."

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        return getattr(obj, "user_id", None) == request.user.pk
