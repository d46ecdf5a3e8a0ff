"""URL map: the JSON API under /api/ (its OpenAPI schema at /api/schema), Django admin, media.

/healthz, /readyz and /metrics are answered by ops.middleware.ProbeMiddleware.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView

from accounts.views import admin_login

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    # Before admin.site.urls, so the admin's login goes through the login back-off.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/", include("accounts.urls")),
    path("api/", include("products.urls")),
    path("api/", include("orders.urls")),
    path("api/", include("payments.urls")),
    path("api/", include("fraud.urls")),
    # Uploaded product images live on the container's media volume; the frontend's nginx
    # proxies /media/ here. Served by Django because there is no separate file server.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
