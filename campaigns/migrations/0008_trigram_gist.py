"""The relatives' name index becomes GiST, like the others (detentions 0007): candidates are
taken nearest first."""

from django.db import migrations


def index_with(method: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS campaigns_relative_search_key_trgm")
        schema_editor.execute(
            "CREATE INDEX campaigns_relative_search_key_trgm ON campaigns_relative "
            f"USING {method} (search_key {method}_trgm_ops)"
        )

    return change


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_access_log_erasure"), ("detentions", "0007_trigram_gist")]

    operations = [migrations.RunPython(index_with("gist"), index_with("gin"))]
