# The shop on Kubernetes (kubernetes/, playbooks/kubernetes.yml), without a cluster.
#
#   make test-kubernetes   every overlay rendered by kubectl kustomize, validated against the
#                          official schemas (pinned version, offline), the policy checks and
#                          their failures on broken manifests, the playbook's preflight and
#                          rendering (reports/kubernetes.xml)

.PHONY: test-kubernetes

test-kubernetes: venv ## Kubernetes manifests and playbook, no cluster (reports/kubernetes.xml)
	@mkdir -p $(REPORTS)
	cd kubernetes && $(BIN)/pytest -q -p no:cacheprovider tests --junitxml=$(REPORTS)/kubernetes.xml

TEST_TARGETS += test-kubernetes
