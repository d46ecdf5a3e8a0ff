"""What the deploy promises on each app server, checked from inside the host."""

import json

import pytest

REGISTRY = "molecule-registry:5000"
# The side effect rolled the hosts from molecule-1 to molecule-2.
TAG = "molecule-2"
FIRST_HOST = "molecule-app-1"


def container(host, name):
    return json.loads(host.check_output(f"docker inspect {name}"))[0]


@pytest.mark.parametrize("name", ["ecommerce-backend", "ecommerce-fraud-api", "ecommerce-frontend"])
def test_container_runs_the_release_from_the_registry_and_is_healthy(host, name):
    info = container(host, name)
    assert info["Config"]["Image"] == f"{REGISTRY}/{name}:{TAG}"
    assert info["State"]["Running"]
    assert info["State"]["Health"]["Status"] == "healthy"
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"


def test_frontend_answers_health_through_the_new_backend(host):
    body = json.loads(host.check_output("curl -fsS http://localhost:3000/healthz"))
    assert (body["role"], body["release"]) == ("backend", TAG)


@pytest.mark.parametrize("port", [3000, 8000, 8001])
def test_ports_are_published_on_the_host(host, port):
    assert host.socket(f"tcp://0.0.0.0:{port}").is_listening


def test_env_file_holds_the_secrets_for_root_only(host):
    env = host.file("/opt/ecommerce/ecommerce.env")
    assert (env.user, env.group, env.mode) == ("root", "root", 0o600)
    assert "DB_PASSWORD=molecule-db-password" in env.content_string
    assert host.file("/opt/ecommerce").mode == 0o700


def test_fraud_api_gets_the_database_and_no_other_secret(host):
    env = host.file("/opt/ecommerce/fraud-api.env")
    assert (env.user, env.group, env.mode) == ("root", "root", 0o600)
    assert "DB_PASSWORD=molecule-db-password" in env.content_string
    assert "DJANGO_SECRET_KEY" not in env.content_string
    backend = host.check_output("docker exec ecommerce-backend printenv FRAUD_API_URL")
    assert backend == "http://ecommerce-fraud-api:8001"
    assert container(host, "ecommerce-fraud-api")["HostConfig"]["ReadonlyRootfs"] is True


def test_backend_received_its_settings(host):
    assert host.check_output("docker exec ecommerce-backend printenv DB_HOST") == "db.molecule.test"
    allowed = host.check_output("docker exec ecommerce-backend printenv DJANGO_ALLOWED_HOSTS")
    assert "ecommerce-backend" in allowed.split(",")
    assert "latest" not in host.file("/opt/ecommerce/docker-compose.yml").content_string


# The stand-in's markers: `migrate_once`, then `fraud_bootstrap`, ran in this container.
@pytest.mark.parametrize("marker", ["/tmp/migrated", "/tmp/fraud-model"])
def test_migrations_and_the_fraud_bootstrap_ran_on_the_first_app_server_only(host, marker):
    ran = host.run(f"docker exec ecommerce-backend test -f {marker}").rc == 0
    assert ran == (host.backend.get_hostname() == FIRST_HOST)


def test_no_registry_credentials_are_left_behind(host):
    config = host.file("/root/.docker/config.json")
    if config.exists:
        assert REGISTRY not in json.loads(config.content_string).get("auths", {})
