"""URL map: the JSON API under /api/, Django admin, media.

/healthz, /readyz and /metrics are answered by ops.middleware.ProbeMiddleware.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("accounts.urls")),
    path("api/", include("products.urls")),
    path("api/", include("orders.urls")),
    path("api/", include("payments.urls")),
    path("api/", include("fraud.urls")),
    # Uploaded product images live on the container's media volume; the frontend's nginx
    # proxies /media/ here. Served by Django because there is no separate file server.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
