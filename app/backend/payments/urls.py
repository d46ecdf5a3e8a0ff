from django.urls import path

from config.routers import OptionalSlashRouter
from payments import views

router = OptionalSlashRouter()
router.register("cards", views.CardViewSet, basename="card")

urlpatterns = [path("config", views.payment_config, name="payment-config"), *router.urls]
