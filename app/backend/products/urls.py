from django.urls import path

from config.routers import OptionalSlashRouter
from products import views

router = OptionalSlashRouter()
router.register("products", views.ProductViewSet, basename="product")

urlpatterns = [
    path("catalogue/audience", views.CatalogueAudienceView.as_view(), name="catalogue-audience"),
    *router.urls,
]
