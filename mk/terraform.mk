# Terraform (terraform/): offline checks, mocked unit tests, and a real
# apply/plan/destroy against moto_server; one JUnit report.

TF_DIR := $(ROOT)/terraform

.PHONY: test-terraform terraform-init

terraform-init: terraform-rc ## terraform init of terraform/ from the provider mirror (no backend)
	cd $(TF_DIR) && terraform init -backend=false -input=false

test-terraform: venv terraform-rc ## Terraform: fmt, validate, terraform test (mocks), moto apply/plan/destroy, checkov
	@mkdir -p $(REPORTS)/terraform
	pytest -q -p no:cacheprovider terraform/tests --junitxml=$(REPORTS)/terraform.xml

TEST_TARGETS += test-terraform
