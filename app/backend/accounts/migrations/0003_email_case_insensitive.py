"""E-mail addresses stored in lower case, unique whatever their letter case."""

from django.db import migrations, models
from django.db.models.functions import Lower


def lower_emails(apps, schema_editor) -> None:
    user_model = apps.get_model("accounts", "User")
    duplicates = (
        user_model.objects.annotate(folded=Lower("email"))
        .values("folded")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
        .values_list("folded", flat=True)
    )
    if duplicates:
        raise RuntimeError(
            "These e-mail addresses belong to several accounts that differ only in letter case: "
            f"{', '.join(sorted(duplicates))}. Merge or rename those accounts, then migrate again."
        )
    user_model.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_throttle_cache_table")]

    operations = [
        migrations.RunPython(lower_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
        ),
    ]
