from django.urls import path

from accounts import views
from config.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("addresses", views.AddressViewSet, basename="address")

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="register"),
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("auth/token/refresh", views.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="logout"),
    path("account", views.AccountView.as_view(), name="account"),
    *router.urls,
]
