from django.apps import AppConfig


class FraudConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fraud"
    verbose_name = "Fraud detection"

    def ready(self) -> None:
        # Connecting here (not at import) keeps the ML package importable without Django.
        from fraud import receivers  # noqa: F401
