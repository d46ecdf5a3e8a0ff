# The storefront (app/frontend/): a React site built by Vite, served by nginx.
#
#   make test-frontend        Vitest + Testing Library unit tests (reports/frontend.xml)
#   make image-frontend       ecommerce-frontend:$(IMAGE_TAG) on the lab's node and nginx images
#   make test-frontend-image  the built image: non-root nginx, proxy, SPA fallback, caching, health
#   make test-frontend-e2e    Chromium end-to-end flow against a real backend and PostgreSQL
#                             (reports/frontend-e2e.xml, screenshots in reports/frontend-e2e/);
#                             BASE_URL=http://host:port E2E_ADMIN_EMAIL=... E2E_ADMIN_PASSWORD=...
#                             runs it against a running site (the lab's load balancer) instead.
#   make test-frontend-e2e-images  the same flow against the release images (backend, frontend's
#                             nginx, PostgreSQL) on a private Docker network

FRONTEND       := $(ROOT)/app/frontend
# Lives inside node_modules: deleting node_modules also forgets the install.
FRONTEND_STAMP := $(FRONTEND)/node_modules/.installed-from-lock

.PHONY: frontend-deps test-frontend image-frontend test-frontend-image test-frontend-e2e \
        test-frontend-e2e-images

frontend-deps: $(FRONTEND_STAMP)

$(FRONTEND_STAMP): $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { echo "frontend: npm is missing; install Node.js 20.19+ with npm (Debian trixie: apt-get install nodejs npm)" >&2; exit 1; }
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-frontend: $(FRONTEND_STAMP) ## Storefront unit tests (Vitest, jsdom)
	@mkdir -p $(REPORTS)
	cd $(FRONTEND) && npx --no-install vitest run --reporter=default --reporter=junit \
	  --outputFile.junit=$(REPORTS)/frontend.xml

image-frontend: images ## Build ecommerce-frontend:$(IMAGE_TAG) (nginx on 3000, proxies the backend)
	$(call build-image,ecommerce-frontend:$(IMAGE_TAG),app/Dockerfile.frontend,app/frontend,--build-arg NODE_IMAGE=ecomops/node --build-arg NGINX_IMAGE=ecomops/nginx)

test-frontend-image: image-frontend ## The frontend image behaves as production needs (reports/frontend-image.xml)
	@mkdir -p $(REPORTS)
	cd $(FRONTEND) && IMAGE=ecommerce-frontend:$(IMAGE_TAG) node --test --test-reporter=spec \
	  --test-reporter-destination=stdout --test-reporter=junit \
	  --test-reporter-destination=$(REPORTS)/frontend-image.xml image-test/

test-frontend-e2e: venv $(FRONTEND_STAMP) ## Storefront in Chromium against the real backend + PostgreSQL
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { echo "frontend-e2e: no Chromium at $${CHROMIUM_PATH:-/usr/bin/chromium}; run 'make packages' or set CHROMIUM_PATH" >&2; exit 1; }
	@mkdir -p $(REPORTS)
	cd $(FRONTEND) && REPORTS=$(REPORTS) node e2e/run.js

test-frontend-e2e-images: $(FRONTEND_STAMP) image-frontend image-backend ## Browser flow against the built images
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { echo "frontend-e2e: no Chromium at $${CHROMIUM_PATH:-/usr/bin/chromium}; run 'make packages' or set CHROMIUM_PATH" >&2; exit 1; }
	@mkdir -p $(REPORTS)
	cd $(FRONTEND) && REPORTS=$(REPORTS) E2E_STACK=images E2E_REPORT_NAME=frontend-e2e-images \
	  FRONTEND_IMAGE=ecommerce-frontend:$(IMAGE_TAG) BACKEND_IMAGE=ecommerce-backend:$(IMAGE_TAG) node e2e/run.js

TEST_TARGETS += test-frontend test-frontend-image test-frontend-e2e test-frontend-e2e-images
