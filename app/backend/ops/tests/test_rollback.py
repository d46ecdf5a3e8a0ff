"""The expand/contract rule that decides whether a release may be rolled back."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import migrations, models

from ops.rollback import contracting_reason, judge, leaves, rollback_verdicts


@pytest.mark.parametrize(
    "operation",
    [
        migrations.CreateModel("Coupon", [("id", models.BigAutoField(primary_key=True))]),
        migrations.AddField("order", "note", models.TextField(null=True)),
        migrations.AddField("order", "channel", models.CharField(max_length=8, db_default="web")),
        migrations.AddField("order", "tags", models.ManyToManyField("products.Product")),
        migrations.AddIndex("order", models.Index(fields=["created_at"], name="order_created")),
        migrations.RunPython(migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AddField("order", "x", models.IntegerField(null=True))]
        ),
    ],
)
def test_expanding_operations_leave_older_code_working(operation):
    assert contracting_reason(operation) is None


@pytest.mark.parametrize(
    ("operation", "word"),
    [
        (migrations.AddField("order", "channel", models.CharField(max_length=8, default="web")),
         "NOT NULL"),
        (migrations.RemoveField("order", "note"), "RemoveField"),
        (migrations.RenameField("order", "note", "remark"), "RenameField"),
        (migrations.AlterField("order", "note", models.TextField()), "AlterField"),
        (migrations.DeleteModel("Coupon"), "DeleteModel"),
        (migrations.RunSQL("UPDATE x SET y = 1"), "RunSQL"),
        (migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RemoveField("order", "note")]), "RemoveField"),
    ],
)  # fmt: skip
def test_contracting_operations_are_named(operation, word):
    assert word in (contracting_reason(operation) or "")


def test_a_migration_is_safe_only_when_every_operation_is():
    safe, unsafe = judge(
        [
            ("shop.0002_note", [migrations.AddField("order", "n", models.TextField(null=True))]),
            ("shop.0003_drop", [migrations.AddIndex("order", models.Index(fields=["n"], name="i")),
                                migrations.RemoveField("order", "old")]),
        ]
    )  # fmt: skip
    assert safe.safe and not unsafe.safe
    assert len(unsafe.reasons) == 1 and "RemoveField" in unsafe.reasons[0]


@pytest.mark.django_db
def test_nothing_applied_since_the_current_release_is_safe():
    assert rollback_verdicts(leaves()) == []


@pytest.mark.django_db
def test_going_back_before_a_constraint_is_refused_with_the_migration_named(capsys):
    # orders.0003 adds a unique constraint older code never agreed to.
    target = [leaf for leaf in leaves() if not leaf.startswith("orders.")] + ["orders.0002_initial"]
    verdicts = rollback_verdicts(target)
    assert [v.migration for v in verdicts] == ["orders.0003_order_idempotency_key"]
    assert not verdicts[0].safe and "AddConstraint" in verdicts[0].reasons[0]
    with pytest.raises(CommandError, match=r"unsafe rollback: orders\.0003_order_idempotency_key"):
        call_command("rollback_safety", "--to", *target)
    assert json.loads(capsys.readouterr().out)["safe"] is False


@pytest.mark.django_db
def test_a_target_this_release_does_not_know_cannot_be_judged(capsys):
    call_command("rollback_safety", "--leaves")
    assert "orders.0003_order_idempotency_key" in json.loads(capsys.readouterr().out)
    with pytest.raises(CommandError, match=r"does not know the target's migration orders\.0099"):
        call_command("rollback_safety", "--to", "orders.0099_gone")
