# One entry point for people, CI and Jenkins. Every target does the set-up it
# needs itself and is safe to run again.
#
#   make lab    deploy the whole stack to the local lab (the main job)
#   make test   every test suite and lint gate
#
# `make help` lists the rest.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT    := $(CURDIR)
VENV    := $(ROOT)/.venv
BIN     := $(VENV)/bin
REPORTS := $(ROOT)/reports
CACHE   := $(ROOT)/.cache

export PATH               := $(BIN):$(PATH)
export ANSIBLE_CONFIG     := $(ROOT)/ansible.cfg
export TF_CLI_CONFIG_FILE := $(CACHE)/terraform.rc
export TF_PLUGIN_MIRROR   ?= /opt/tf-plugins
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Images are tagged with the commit they are built from (never only `latest`),
# read once per run: a commit made while `make` runs must not change it halfway.
ifndef IMAGE_TAG
IMAGE_TAG := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
endif
export IMAGE_TAG

# $(call build-image,IMAGE:TAG,DOCKERFILE,CONTEXT,BUILD-ARGS): one app image. Its
# lines are prefixed with its name, as `make lab` builds the images side by side.
define build-image
docker build -f $(2) $(4) -t $(1) $(3) 2>&1 | sed -u 's|^|$(firstword $(subst :, ,$(1))): |'
@docker image inspect $(1) --format '$(1) {{.Size}} bytes'
endef

# Suites register themselves here from mk/*.mk; the include order below is the
# order `make test` runs them in: fast ones first, except that the wrapper's
# tests read the inventory built from test-terraform's moto apply (they skip
# without it), so the wrapper comes after Terraform.
TEST_TARGETS :=
-include mk/kubernetes.mk mk/backend.mk mk/fraud.mk mk/frontend.mk mk/terraform.mk \
         mk/wrapper.mk mk/molecule.mk mk/lab.mk

.PHONY: help setup venv packages docker-engine images terraform-rc groovy-lint lint lint-jenkinsfile test \
        test-foundation

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Side by side: apt, the venvs (PyPI), debootstrap (Debian's mirror) and npm mostly wait on the network.
setup: ## Install everything the project needs (idempotent)
	@$(MAKE) --jobs=4 packages docker-engine venv images terraform-rc groovy-lint

packages: ## Debian packages of the control node (docker.io, debootstrap, chromium, ...)
	@scripts/setup-packages.sh

docker-engine: packages ## Start a Docker engine when none answers
	@scripts/start-dockerd.sh

venv: ## Python venv with the pinned toolchain
	@scripts/setup-venv.sh

images: docker-engine ## Lab base images (debootstrap + docker import), rebuilt only when their recipe changes
	@lab/images/build.sh

terraform-rc: $(CACHE)/terraform.rc ## Project-local Terraform CLI config using the provider mirror
	@:

$(CACHE)/terraform.rc: Makefile
	@mkdir -p $(CACHE)/terraform-plugin-cache
	@test -d "$(TF_PLUGIN_MIRROR)" || { echo "terraform-rc: no provider mirror at $(TF_PLUGIN_MIRROR); set TF_PLUGIN_MIRROR" >&2; exit 1; }
	@printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\nplugin_cache_dir = "%s"\n' \
	  "$(TF_PLUGIN_MIRROR)" "$(CACHE)/terraform-plugin-cache" > $@
	@echo "terraform-rc: wrote $@ (TF_CLI_CONFIG_FILE)"

# The Jenkinsfile's linter, pinned by requirements/groovy-lint/package-lock.json.
# The stamp lives inside node_modules: deleting node_modules also forgets the install.
GROOVY_LINT       := $(ROOT)/requirements/groovy-lint
GROOVY_LINT_STAMP := $(GROOVY_LINT)/node_modules/.installed-from-lock
JAVA              ?= /usr/bin/java
JENKINSFILE       ?= $(ROOT)/Jenkinsfile

groovy-lint: $(GROOVY_LINT_STAMP) ## npm-groovy-lint (CodeNarc) for the Jenkinsfile, from its lock file
	@:

$(GROOVY_LINT_STAMP): $(GROOVY_LINT)/package-lock.json
	@command -v npm >/dev/null || { echo "groovy-lint: npm is missing; install Node.js 20.19+ with npm" >&2; exit 1; }
	cd $(GROOVY_LINT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# A Java given by path is used as is: npm-groovy-lint's java-caller then neither
# looks for nor downloads a JRE of its own. --noserver: no CodeNarc server is left
# listening on port 7484 after make returns. C1 only: half the CPU time of a one-shot run.
lint-jenkinsfile: $(GROOVY_LINT_STAMP) ## npm-groovy-lint on the Jenkinsfile (JENKINSFILE=path for another); any finding fails
	@test -x $(JAVA) || { echo "lint-jenkinsfile: no Java at $(JAVA); run 'make packages' or set JAVA" >&2; exit 1; }
	@test -f $(JENKINSFILE) || { echo "lint-jenkinsfile: no $(JENKINSFILE): npm-groovy-lint passes when given no file" >&2; exit 1; }
	$(GROOVY_LINT)/node_modules/.bin/npm-groovy-lint --config $(ROOT)/.groovylintrc.yml --noserver \
	  --javaexecutable $(JAVA) --javaoptions=-XX:TieredStopAtLevel=1 --failon info $(JENKINSFILE)

lint: venv terraform-rc lint-jenkinsfile ## npm-groovy-lint (Jenkinsfile), ansible-lint (production), yamllint, ruff, terraform fmt, unused Terraform variables, role variables
	ansible-lint --profile production --offline
	python scripts/check_role_variables.py
	yamllint --strict .
	ruff check .
	ruff format --check .
	terraform fmt -check -recursive terraform
	python scripts/check_terraform_variables.py

test-foundation: setup ## The set-up itself: base image boots systemd and sshd, scripts are sound, the lab's plan
	@mkdir -p $(REPORTS)
	pytest -q lab/images/tests scripts/tests molecule/tests plugins/tests lab/tests -m "not e2e" \
	  --junitxml=$(REPORTS)/foundation.xml

test: lint test-foundation $(TEST_TARGETS) ## Every test suite and lint gate
