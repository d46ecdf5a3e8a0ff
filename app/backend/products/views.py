from typing import ClassVar

from django.db.models import Q, QuerySet
from rest_framework import permissions, viewsets

from products.models import Product
from products.serializers import ProductSerializer


class ReadOnlyOrAdmin(permissions.BasePermission):
    """Anyone browses the catalogue; only staff change it."""

    def has_permission(self, request: object, view: object) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)


class ProductViewSet(viewsets.ModelViewSet):
    serializer_class = ProductSerializer
    permission_classes: ClassVar = [ReadOnlyOrAdmin]
    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "put", "delete"]

    def get_queryset(self) -> QuerySet[Product]:
        queryset = Product.objects.all()
        search = self.request.query_params.get("search", "").strip()
        if search:
            queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
        return queryset
