"""The Jenkinsfile runs make targets only, and `make pipeline` runs the same ones.

Jenkins is not available here: these tests hold the Jenkinsfile to what can be
checked locally, and the stages themselves run through `make pipeline`.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT

JENKINSFILE = (ROOT / "Jenkinsfile").read_text()
WRAPPER_MK = (ROOT / "mk" / "wrapper.mk").read_text()
# Where Jenkins and the lab differ: the registry and the infrastructure.
JENKINS_ONLY = {"ci-push": "lab-push", "ci-provision": "lab-up", "ci-plan": "lab-up"}


# A string literal as Groovy quotes it: triple first, so ''' is not read as '' + '.
SH_STEP = re.compile(r"""\bsh[\s(]+('''|\"\"\"|'|")(.*?)\1""", re.S)


def sh_steps() -> list[str]:
    """Every `sh` step's script, however it is quoted."""
    return [match.group(2) for match in SH_STEP.finditer(JENKINSFILE)]


def make_targets() -> list[str]:
    return [re.match(r"make ([\w-]+)", step).group(1) for step in sh_steps()]  # type: ignore[union-attr]


def prerequisites(target: str) -> list[str]:
    line = re.search(rf"^{target}:([^#\n]*)", WRAPPER_MK, re.MULTILINE)
    assert line, f"{target} is not defined in mk/wrapper.mk"
    return line.group(1).split()


def test_every_sh_step_is_one_make_target():
    steps = sh_steps()
    assert len(steps) >= 10
    for step in steps:
        assert re.fullmatch(r'make [\w-]+( [A-Z_]+="\$[A-Z_]+")*', step), step


@pytest.mark.parametrize("target", ["ci-provision", "ci-plan"])
def test_infrastructure_keeps_its_state_in_the_bound_s3_backend(target):
    assert "file(credentialsId: 'ecomops-tf-backend', variable: 'TF_BACKEND')" in JENKINSFILE
    assert f'make {target} TFVARS="$TFVARS" TF_BACKEND="$TF_BACKEND"' in sh_steps()
    done = subprocess.run(
        ["make", "-n", target, "TFVARS=/bound/tfvars", "TF_BACKEND=/bound/backend"],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [provision] = [line for line in done.stdout.splitlines() if "ecomops provision" in line]
    assert "--var-file /bound/tfvars --backend-config /bound/backend" in provision


def test_the_declarative_skeleton_is_there():
    assert "agent { label 'build-node' }" in JENKINSFILE
    assert "usernamePassword(credentialsId: 'DOCKER_CREDS'" in JENKINSFILE
    stages = re.findall(r"stage\('([^']+)'\)", JENKINSFILE)
    parallel_tests = {"Backend", "Frontend", "Ansible lint", "Terraform test", "Kubernetes",
                      "Jenkinsfile lint"}  # fmt: skip
    top = [s for s in stages if s not in parallel_tests]
    assert top == [
        "Build", "Test", "Cleanup", "Build & Push", "Infrastructure", "Configure", "Smoke",
        "Finalize",
    ]  # fmt: skip
    assert "junit " in JENKINSFILE and "archiveArtifacts" in JENKINSFILE
    assert "when { branch 'main' }" in JENKINSFILE
    # Secrets come in as bindings, never written into the file.
    assert not re.search(r"PASSWORD\s*=\s*'", JENKINSFILE)


def test_make_pipeline_runs_the_jenkinsfile_stages_in_order():
    stages = re.search(r"^PIPELINE_STAGES := (.*)$", WRAPPER_MK, re.MULTILINE)
    assert stages
    local = []
    for stage in stages.group(1).split():
        local += prerequisites(stage) if stage == "ci-test" else [stage]
    jenkins = [JENKINS_ONLY.get(t, t) for t in make_targets() if t not in {"ci-logout", "ci-plan"}]
    assert local == jenkins


@pytest.mark.parametrize("target", sorted({*make_targets(), "pipeline"}))
def test_every_target_exists(target):
    """`make -n` resolves the whole tree of prerequisites without running recipes."""
    done = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root"},
    )  # fmt: skip
    assert "No rule to make target" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr


def test_cleanup_off_an_agent_only_shows_what_it_would_remove():
    done = subprocess.run(
        ["make", "ci-cleanup"], cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "not on a Jenkins agent" in done.stdout
    assert all(line.startswith(("Would remove", "ci-cleanup")) for line in done.stdout.splitlines())


@pytest.mark.parametrize(
    ("given", "env"),
    [({}, "lab"), ({"CI_INVENTORY_ENV": "aws", "CI_INVENTORY_FROM": "terraform"}, "aws")],
    ids=["make-pipeline", "jenkins"],
)
def test_configure_and_smoke_name_the_environment_they_work_on(given, env):
    """Jenkins's AWS and `make pipeline`'s lab each have their inventories/<env>."""
    assert "CI_INVENTORY_ENV = 'aws'" in JENKINSFILE
    assert "CI_INVENTORY_FROM = 'terraform'" in JENKINSFILE
    done = subprocess.run(
        ["make", "-n", "ci-configure", "ci-smoke"], cwd=ROOT, capture_output=True, text=True,
        check=False, env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", **given},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    commands = [line for line in done.stdout.splitlines() if "/bin/ecomops " in line]
    assert len(commands) == 4, commands
    assert all(f" --env {env} " in line for line in commands), commands
