"""The table of Django's database cache, where throttles and the login back-off count.

`createcachetable` is idempotent and has no reverse; it runs here so that every path that
migrates (migrate_once, the test database) also creates it.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
