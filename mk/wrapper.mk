# The `ecomops` wrapper (ecomops/) and the CI pipeline (Jenkinsfile).
#
#   make test-wrapper   unit tests + integration against real containers (reports/wrapper.xml)
#   make pipeline       the Jenkinsfile's stages, in order, against the local lab
#
# Every `sh` step of the Jenkinsfile is one `make ci-*` (or test/image) target
# below, so Jenkins and `make pipeline` run the same commands. Where they
# differ is only where infrastructure and images come from:
#   Jenkins:  ci-push (DOCKER_CREDS registry), ci-provision (Terraform), inventories/aws from Terraform
#   pipeline: lab-push (the lab registry),     lab-up (containers),      inventories/lab from .lab/outputs.json

ECOMOPS          := $(BIN)/ecomops
# Where the inventory comes from, and the environment it is (inventories/<env>):
# the lab's here, AWS's from Terraform in Jenkins (Jenkinsfile sets both).
CI_INVENTORY_FROM ?= file --outputs-file $(ROOT)/.lab/outputs.json
CI_INVENTORY_ENV  ?= lab
CI_DOCKER_CONFIG := $(CACHE)/docker-ci
# Outside Jenkins, secrets come from the lab's env file, as `make lab` does.
CI_ENV := if [ -z "$${JENKINS_URL:-}" ] && [ -f $(ROOT)/.lab/env ]; then set -a; . $(ROOT)/.lab/env; set +a; fi;
# Destructive clean-ups only on a Jenkins agent's throw-away workspace; a
# developer's checkout and shared Docker engine are never pruned by `make pipeline`.
CI_ON_AGENT := [ -n "$${JENKINS_URL:-}" ]
APP_IMAGES := ecommerce-backend ecommerce-fraud-api ecommerce-frontend
# TFVARS=path: the variables file Jenkins binds from its credentials store;
# TF_BACKEND=path: the S3 backend config file it binds (ecomops-tf-backend).
CI_TF_ARGS := $(if $(TFVARS),--var-file $(TFVARS)) $(if $(TF_BACKEND),--backend-config $(TF_BACKEND))

PIPELINE_STAGES := ci-build ci-test ci-cleanup ci-images lab-push lab-up ci-configure ci-smoke ci-finalize

.PHONY: test-wrapper pipeline ci-build ci-test ci-ansible-lint ci-terraform-test ci-cleanup \
        ci-images ci-push ci-provision ci-plan ci-configure ci-smoke ci-finalize ci-logout

test-wrapper: venv images ## Wrapper tests: units, real bastion + ProxyJump, moto_server (reports/wrapper.xml)
	@mkdir -p $(REPORTS)
	cd ecomops && $(BIN)/pytest -q -p no:cacheprovider --junitxml=$(REPORTS)/wrapper.xml

pipeline: ## Run the Jenkinsfile's stages locally against the lab
	@for stage in $(PIPELINE_STAGES); do \
	  echo "=== pipeline: $$stage"; $(MAKE) $$stage || exit $$?; \
	done

ci-build: venv ## Jenkins Build: the toolchain venv with the backend's dependencies

ci-test: test-backend test-frontend ci-ansible-lint ci-terraform-test test-kubernetes lint-jenkinsfile ## Jenkins Test stage

ci-ansible-lint: venv
	ansible-lint --profile production --offline

ci-terraform-test: terraform-rc ## `terraform test` (mock provider, offline)
	terraform -chdir=terraform init -backend=false -input=false >/dev/null
	terraform -chdir=terraform test

ci-cleanup: ## Jenkins Cleanup: prune Docker, git clean keeping Terraform state (dry run off-agent)
	@if $(CI_ON_AGENT); then \
	  docker system prune --force --filter until=24h; \
	  git clean -ffdx -e .venv -e .venv-checkov -e .cache -e reports \
	    -e terraform/.terraform -e 'terraform/*.tfstate' -e 'terraform/*.tfstate.*'; \
	else \
	  echo "ci-cleanup: not on a Jenkins agent: showing what git clean would remove"; \
	  git clean -nd -e .venv -e .venv-checkov -e .cache -e reports -e .lab \
	    -e terraform/.terraform -e 'terraform/*.tfstate' -e 'terraform/*.tfstate.*' -e node_modules; \
	fi

ci-images: image-backend image-fraud-api image-frontend ## Jenkins Build & Push (build half): images tagged IMAGE_TAG

ci-push: ## Jenkins Build & Push: tag IMAGE_TAG and latest, push to ECOMOPS_REGISTRY
	@: "$${ECOMOPS_REGISTRY:?set ECOMOPS_REGISTRY}" "$${ECOMOPS_REGISTRY_USER:?set ECOMOPS_REGISTRY_USER}" \
	   "$${ECOMOPS_REGISTRY_PASSWORD:?set ECOMOPS_REGISTRY_PASSWORD}"
	@install -d -m 0700 $(CI_DOCKER_CONFIG)
	@printf '%s' "$$ECOMOPS_REGISTRY_PASSWORD" | DOCKER_CONFIG=$(CI_DOCKER_CONFIG) \
	  docker login --username "$$ECOMOPS_REGISTRY_USER" --password-stdin "$$ECOMOPS_REGISTRY"
	@for image in $(APP_IMAGES); do \
	  for tag in $(IMAGE_TAG) latest; do \
	    docker tag $$image:$(IMAGE_TAG) "$$ECOMOPS_REGISTRY/$$image:$$tag"; \
	    DOCKER_CONFIG=$(CI_DOCKER_CONFIG) docker push "$$ECOMOPS_REGISTRY/$$image:$$tag"; \
	  done; \
	done

ci-plan: venv terraform-rc ## Jenkins Infrastructure on branches: terraform plan only
	$(ECOMOPS) provision --plan-only $(CI_TF_ARGS)

ci-provision: venv terraform-rc ## Jenkins Infrastructure on main: init, plan to a file, apply it
	$(ECOMOPS) provision $(CI_TF_ARGS)

ci-configure: venv ## Jenkins Configure: inventory, then `ecomops deploy --image-tag IMAGE_TAG`
	$(ECOMOPS) inventory --env $(CI_INVENTORY_ENV) --from $(CI_INVENTORY_FROM)
	@$(CI_ENV) $(ECOMOPS) deploy --env $(CI_INVENTORY_ENV) --image-tag $(IMAGE_TAG) --junit $(REPORTS)/deploy.xml

# The canary's analysis over the whole fleet (thresholds of roles/canary), no baseline.
SMOKE_WINDOW ?= 60

ci-smoke: venv ## Jenkins Smoke: LB, Prometheus targets, versions (waits up to 2 min), then 5xx ratio and p99 per app server over SMOKE_WINDOW s
	@mkdir -p $(REPORTS)
	$(ECOMOPS) status --env $(CI_INVENTORY_ENV) --wait 120 --json | tee $(REPORTS)/status.json
	$(ECOMOPS) analyze --env $(CI_INVENTORY_ENV) --window $(SMOKE_WINDOW) --baseline= --json | tee $(REPORTS)/analyze.json

ci-logout: ## Forget registry credentials (also run by Jenkins' post)
	@if [ -d $(CI_DOCKER_CONFIG) ]; then \
	  DOCKER_CONFIG=$(CI_DOCKER_CONFIG) docker logout "$${ECOMOPS_REGISTRY:-}" >/dev/null 2>&1 || true; \
	  rm -rf $(CI_DOCKER_CONFIG); \
	fi

ci-finalize: ci-logout ## Jenkins Finalize: log out, prune dangling images on the agent
	@if $(CI_ON_AGENT); then docker image prune --force; else echo "ci-finalize: not on a Jenkins agent: no prune"; fi

TEST_TARGETS += test-wrapper
