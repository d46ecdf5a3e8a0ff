"""How the OpenAPI schema (drf-spectacular) describes the catalogue's own field types."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class SiteRelativeImageFieldSchema(OpenApiSerializerFieldExtension):
    """An upload in requests; in answers a site-relative URL (`/media/...`), not an absolute one."""

    target_class = "products.serializers.SiteRelativeImageField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, str]:
        if direction == "request":
            return {"type": "string", "format": "binary"}
        return {"type": "string", "format": "uri-reference"}
