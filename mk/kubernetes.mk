# The shop on Kubernetes (kubernetes/, playbooks/kubernetes.yml), without a cluster.
#
#   make test-kubernetes   every overlay rendered by kubectl kustomize and validated against
#                          the official schemas (pinned version, offline); the policy checks
#                          and their failures on broken manifests; nginx -t of the cluster's
#                          backend.conf in the lab's nginx image; the playbook's preflight
#                          and rendering (reports/kubernetes.xml)

.PHONY: test-kubernetes

test-kubernetes: venv images ## Kubernetes manifests and playbook, no cluster (reports/kubernetes.xml)
	@mkdir -p $(REPORTS)
	cd kubernetes && $(BIN)/pytest -q -p no:cacheprovider tests --junitxml=$(REPORTS)/kubernetes.xml

TEST_TARGETS += test-kubernetes
