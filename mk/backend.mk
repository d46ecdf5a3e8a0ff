# The e-commerce backend (app/backend/): Django REST API, its image and its benchmark.
#
#   make image-backend   ecommerce-backend:$(IMAGE_TAG) on the lab's Python image
#   make test-backend    pytest on a throwaway PostgreSQL cluster, plus the built image
#                        (reports/backend.xml); fraud/ has its own suite (make test-fraud)
#   make bench-backend   product list req/s and p99 at 50 clients: gunicorn image vs
#                        runserver (reports/backend-bench.json); not part of `make test`
#   make bench-storefront  catalogue reads through the storefront image's nginx, anonymous
#                        vs signed in, no lab (reports/bench/storefront.json)

BACKEND_IMAGE       := ecommerce-backend:$(IMAGE_TAG)
BACKEND_PYTHON_BASE ?= ecomops/python

.PHONY: image-backend test-backend bench-backend bench-storefront

image-backend: images ## Build ecommerce-backend:$(IMAGE_TAG) (gunicorn on 8000, non-root)
	$(call build-image,$(BACKEND_IMAGE),app/Dockerfile.backend,app/backend,--build-arg PYTHON_IMAGE=$(BACKEND_PYTHON_BASE))

test-backend: venv image-backend ## Backend tests on real PostgreSQL + the image (reports/backend.xml)
	@mkdir -p $(REPORTS)
	cd app/backend && BACKEND_IMAGE=$(BACKEND_IMAGE) $(BIN)/pytest -q -p no:cacheprovider \
	  --ignore=fraud --junitxml=$(REPORTS)/backend.xml

bench-backend: venv image-backend ## Product list req/s and p99, gunicorn image vs runserver
	@mkdir -p $(REPORTS)
	BACKEND_IMAGE=$(BACKEND_IMAGE) PYTHONPATH=$(ROOT)/app/backend $(BIN)/python -m ecomops_bench.backend.bench \
	  --out $(REPORTS)/backend-bench.json

bench-storefront: venv image-backend image-frontend ## Catalogue reads via the storefront nginx: anonymous vs signed in
	@mkdir -p $(REPORTS)/bench
	PYTHONPATH=$(ROOT)/app/backend $(BIN)/python -m ecomops_bench.backend.storefront \
	  --tag $(IMAGE_TAG) --out $(REPORTS)/bench/storefront.json

TEST_TARGETS += test-backend
