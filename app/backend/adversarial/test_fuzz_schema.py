"""Issue 14, item 5: schemathesis fuzzes every operation of the API's OpenAPI schema.

The schema is drf-spectacular's, the one /api/schema publishes (checked below); the fuzzer
reads it at collection time, when the live server does not run yet. Bounded (a fixed number
of examples per operation, derandomized so a failure repeats), as a signed-in customer: no
answer may be a 5xx, and every documented answer must match its schema.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from adversarial.conftest import Visitor

EXAMPLES_PER_OPERATION = 15

API = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(API)


@pytest.fixture(scope="session")
def fuzzing_customer(shop) -> Visitor:
    client = Visitor(shop, "198.51.100.77")
    client.register("fuzzer@example.test")
    assert client.login(client.email).status == 200
    return client


def test_the_schema_is_published(shop):
    answer = shop.request("GET", "/api/schema", headers={"Accept": "application/json"})
    assert answer.status == 200, answer.text[:300]
    assert set(answer.json()["paths"]) == set(API["paths"])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error_or_an_answer_off_schema(case, shop, fuzzing_customer):
    case.call_and_validate(
        base_url=shop.url,
        headers={
            "Host": "127.0.0.1",
            "Authorization": f"Bearer {fuzzing_customer.access}",
            "X-Forwarded-For": fuzzing_customer.address,
        },
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
