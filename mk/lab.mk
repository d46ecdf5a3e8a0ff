# The local lab (lab/): the AWS topology as systemd containers, deployed by the
# same wrapper and playbooks as AWS. Everything it generates lives in .lab/.
#
#   make lab            build, start (or reuse) the lab, push images, deploy
#   make lab-down       remove the lab completely
#   make test-e2e       end-to-end tests against the lab (creates it if needed)
#   make bench          benchmarks P1-P4 (reports/bench/; BENCH=P1,P4 runs some)

APP_HOSTS ?= 2
export APP_HOSTS
LAB_DIR := $(ROOT)/.lab
LAB_PY  := $(BIN)/ecomops-lab
# The lab's secrets reach `ecomops` through its environment only, as in Jenkins.
LAB_ENV := set -a; . $(LAB_DIR)/env; set +a; export ECOMOPS_IMAGE_TAG=$(IMAGE_TAG);

.PHONY: lab lab-up lab-images lab-push lab-deploy lab-down test-e2e bench

lab-images: images
	@for t in image-backend image-fraud-api image-frontend; do \
	  $(MAKE) -n $$t >/dev/null 2>&1 || { echo "lab: 'make $$t' does not exist yet: the app images cannot be built" >&2; exit 1; }; \
	done
	@$(MAKE) image-backend image-fraud-api image-frontend

lab-up: venv images ## Start (or reuse) the lab's hosts only, write .lab/outputs.json
	@$(LAB_PY) up

lab-push: lab-up lab-images ## Push the app images (tag IMAGE_TAG) to the lab registry
	@$(LAB_PY) push --tag $(IMAGE_TAG)

lab-deploy: ## Inventory from .lab/outputs.json, then `ecomops deploy` (lab must be up)
	@test -f playbooks/site.yml || { echo "lab: playbooks/site.yml does not exist yet: nothing to deploy" >&2; exit 1; }
	@$(BIN)/ecomops inventory --env lab --from file --outputs-file $(LAB_DIR)/outputs.json
	@$(LAB_ENV) $(BIN)/ecomops deploy --env lab --image-tag $(IMAGE_TAG)

# The hosts start while the app images build: neither waits for the other.
lab: ## Deploy the whole stack to the local lab (APP_HOSTS=2 by default)
	@$(MAKE) --jobs=4 lab-push
	@$(MAKE) lab-deploy
	@$(LAB_PY) seed
	@$(LAB_PY) info

lab-down: venv ## Remove every ecomops-lab-* container, network, volume and .lab/
	@$(LAB_PY) down

# frontend-deps: one check drives the storefront's browser suite (Playwright) at the lab.
test-e2e: lab frontend-deps ## End-to-end tests against the lab (reports/e2e.xml)
	@mkdir -p $(REPORTS)
	@$(LAB_ENV) pytest -q -m e2e lab/tests --junitxml=$(REPORTS)/e2e.xml

bench: lab ## Benchmarks P1-P6 against the lab (reports/bench/)
	@mkdir -p $(REPORTS)/bench
	@$(LAB_ENV) $(BIN)/python -m ecomops_bench.lab --out $(REPORTS)/bench $(if $(BENCH),--only $(BENCH))

TEST_TARGETS += test-e2e
