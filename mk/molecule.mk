# Molecule: every scenario under molecule/ (the roles' own: docker, node_exporter,
# ecommerce_app, prometheus, grafana, bastion, ...), each the full create/
# converge/idempotence/verify/destroy sequence, three at a time. Per-scenario
# wall times are printed and kept in the JUnit report; each scenario's log lands
# in reports/molecule/<scenario>.log.
#   make test-molecule MOLECULE_SCENARIOS="docker node_exporter" MOLECULE_JOBS=1

MOLECULE_JOBS      ?= 3
MOLECULE_SCENARIOS ?=

.PHONY: test-molecule test-roles

test-molecule: venv images docker-engine ## Molecule scenarios of every role (Docker, testinfra)
	@mkdir -p $(REPORTS)
	$(BIN)/python molecule/run_scenarios.py --jobs $(MOLECULE_JOBS) \
	  --junit $(REPORTS)/molecule.xml --logs $(REPORTS)/molecule $(MOLECULE_SCENARIOS)

# Role behaviour that needs no scenario: lb_member against a real HAProxy and moto's ELBv2.
test-roles: venv images ## Role tests outside Molecule (reports/roles.xml)
	@mkdir -p $(REPORTS)
	$(BIN)/pytest -q -p no:cacheprovider roles/*/tests --junitxml=$(REPORTS)/roles.xml

TEST_TARGETS += test-roles test-molecule
