from typing import ClassVar

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


AUDIENCE_HEADER = "X-Catalogue-Audience"


def catalogue_audience(request: Request) -> str:
    """`public` when the request's credentials see the catalogue everyone sees, else `private`.

    The catalogue is the same for every visitor but staff: a signed-in shopper's answer is
    the anonymous one. Credentials that fail authentication are `private` too, so their
    requests reach the catalogue view and get its 401 as before.
    """
    try:
        user = request.user
    except AuthenticationFailed:
        return "private"
    return "private" if user.is_staff else "public"


class CatalogueAudienceView(APIView):
    """Whose catalogue these credentials see: the storefront's nginx asks once per token and
    keeps the verdict, so signed-in shoppers share the anonymous catalogue cache
    (app/frontend/nginx/nginx.conf) while staff get fresh answers."""

    permission_classes: ClassVar = [permissions.AllowAny]

    def perform_authentication(self, request: Request) -> None:
        # Authenticate lazily in get(): a rejected token is a verdict, not a 401.
        pass

    @extend_schema(
        responses={
            200: OpenApiResponse(
                inline_serializer(
                    "CatalogueAudience",
                    {"audience": serializers.ChoiceField(choices=["public", "private"])},
                ),
                description=f"The verdict, also in the {AUDIENCE_HEADER} header.",
            )
        }
    )
    def get(self, request: Request) -> Response:
        audience = catalogue_audience(request)
        return Response({"audience": audience}, headers={AUDIENCE_HEADER: audience})
