from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """`/api/addresses` and `/api/addresses/` both work, as the API contract writes no slash."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
