from django.urls import path

from config.routers import OptionalSlashRouter
from orders import views

router = OptionalSlashRouter()
router.register("orders", views.OrderViewSet, basename="order")

urlpatterns = [path("checkout", views.CheckoutView.as_view(), name="checkout"), *router.urls]
