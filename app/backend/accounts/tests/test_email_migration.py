"""Migration 0003 on rows written before it: mixed-case e-mails lowered, case twins refused."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_throttle_cache_table")]
AFTER = [("accounts", "0003_email_case_insensitive")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def insert_user(email: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, "
            "is_staff, is_active, date_joined) VALUES ('', false, %s, '', '', false, true, now())",
            [email],
        )


def emails() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM accounts_user ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def before_0003():
    migrate(BEFORE)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user")
    migrate(AFTER)


def test_existing_mixed_case_emails_are_lowered(before_0003):
    insert_user("Mixed.Case@Example.TEST")
    insert_user("plain@example.test")
    migrate(AFTER)
    assert emails() == ["mixed.case@example.test", "plain@example.test"]


def test_accounts_differing_only_in_case_stop_the_migration_with_their_address(before_0003):
    insert_user("Twin@Example.TEST")
    insert_user("twin@example.test")
    with pytest.raises(RuntimeError, match=r"twin@example\.test"):
        migrate(AFTER)
    assert emails() == ["Twin@Example.TEST", "twin@example.test"]
