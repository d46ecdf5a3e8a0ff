from typing import ClassVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from rest_framework import serializers

from products.models import Product


class SiteRelativeImageField(serializers.ImageField):
    """`/media/...` rather than an absolute URL: right behind any proxy, scheme or host name."""

    def to_representation(self, value: FieldFile) -> str | None:
        return value.url if value else None


class ProductSerializer(serializers.ModelSerializer):
    image = SiteRelativeImageField(required=False, allow_null=True)

    class Meta:
        model = Product
        fields: ClassVar[list[str]] = [
            "id",
            "name",
            "description",
            "price",
            "stock",
            "image",
            "created_at",
            "updated_at",
        ]
        read_only_fields: ClassVar[list[str]] = ["id", "created_at", "updated_at"]

    def validate_image(self, value: UploadedFile | None) -> UploadedFile | None:
        limit = settings.MAX_IMAGE_UPLOAD_BYTES
        if value is not None and value.size > limit:
            raise serializers.ValidationError(
                f"Image is {value.size} bytes; the limit is {limit} bytes. Resize it and retry."
            )
        return value
