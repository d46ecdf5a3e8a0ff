from config.routers import OptionalSlashRouter
from products import views

router = OptionalSlashRouter()
router.register("products", views.ProductViewSet, basename="product")

urlpatterns = router.urls
