"""The lab's plan, firewall and contract, checked without Docker."""

from __future__ import annotations

from pathlib import Path

import pytest
from ecomops.contract import parse_contract
from ecomops_lab import contract, engine, firewall
from ecomops_lab.engine import Extras
from ecomops_lab.plan import AZS, build_plan
from ecomops_lab.state import LabDir


def test_app_hosts_alternate_between_azs_and_have_unique_addresses() -> None:
    plan = build_plan(8)
    apps = plan.by_role("app")
    assert [a.az for a in apps] == [AZS[i % 2] for i in range(8)]
    addresses = [ip for h in plan.hosts for ip in h.addresses.values()]
    assert len(addresses) == len(set(addresses))
    for host in plan.hosts:
        for net, ip in host.addresses.items():
            assert ip in plan.networks[net].subnet
            assert ip != plan.networks[net].gateway


def test_an_app_host_admits_ssh_only_from_the_bastion_of_its_az() -> None:
    plan = build_plan(2)
    app = plan.by_role("app")[0]
    rules = {r.port: r for r in firewall.rules_for(app, plan)}
    assert set(rules) == {22, 3000, 8000, 8001, 9100}
    assert rules[22].sources == (plan.bastion_for(app.az or "").ip_on("private-a"),)
    gateways = {n.gateway for n in plan.networks.values()}
    for rule in rules.values():
        assert rule.sources, "an app host port open to anyone"
        assert not gateways & set(rule.sources), "the control node must not reach app hosts"


def test_the_monitoring_host_admits_ssh_only_from_the_bastions() -> None:
    plan = build_plan(2)
    monitoring = plan.one("monitoring")
    ssh = next(r for r in firewall.rules_for(monitoring, plan) if r.port == 22)
    bastions = plan.by_role("bastion")
    assert set(ssh.sources or ()) <= {ip for b in bastions for ip in b.addresses.values()}
    # The inventory's address for it, the default VPC's, is the one they jump to.
    assert {b.ip_on("default") for b in bastions} <= set(ssh.sources or ())
    assert 22 not in monitoring.published, "the control node would reach its sshd directly"


def test_the_database_admits_only_app_hosts() -> None:
    plan = build_plan(3)
    (rule,) = firewall.rules_for(plan.one("db"), plan)
    assert rule.port == 5432
    assert set(rule.sources or ()) == {a.ip_on("db") for a in plan.by_role("app")}


def test_the_ruleset_replaces_only_the_labs_table_and_drops_the_rest() -> None:
    plan = build_plan(2)
    text = firewall.ruleset(plan.by_role("app")[0], plan)
    assert "flush ruleset" not in text
    assert "hook prerouting priority -150" in text
    assert text.rstrip().splitlines()[-3].strip() == "counter drop"


def test_the_lab_contract_is_accepted_by_the_wrapper() -> None:
    plan = build_plan(2)
    published = {h.container: {p: 30000 + i for i, p in enumerate(h.published)} for h in plan.hosts}
    doc = contract.outputs(plan, published, "/x/admin.sock", "/x/id_ed25519")
    parsed = parse_contract(doc)
    assert parsed.environment == "lab"
    assert [b.name for b in parsed.bastions] == ["ecommerce_bastion_a", "ecommerce_bastion_b"]
    assert doc["load_balancer"]["kind"] == "haproxy"


def test_app_hosts_out_of_range_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="APP_HOSTS"):
        build_plan(0)


def test_a_container_belongs_to_the_lab_whose_folder_made_it(tmp_path: Path) -> None:
    ours, theirs = LabDir(tmp_path / "ours"), LabDir(tmp_path / "theirs")
    for lab in (ours, theirs):
        lab.create()
    assert ours.identity() == ours.identity(), "a lab keeps its identity between runs"
    host = build_plan(2).one("db")
    spec = {
        name: engine._spec(host, Extras(binds={}, image_id="sha256:1", lab_id=lab.identity()))
        for name, lab in {"ours": ours, "theirs": theirs}.items()
    }
    assert spec["ours"] != spec["theirs"], "another checkout's lab would be reused as it is"
