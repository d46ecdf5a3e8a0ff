from django.apps import AppConfig


class ProductsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "products"

    def ready(self) -> None:
        # Registers the schema extension with drf-spectacular.
        from products import schema  # noqa: F401
