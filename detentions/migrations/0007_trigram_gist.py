"""Name search takes its candidates nearest first (`key <<-> query`, pg_trgm's word distance),
which only a GiST trigram index can answer without scoring every match: a common first name
matches thousands of people. GiST also answers `<%`, so it replaces the GIN indexes. PostgreSQL
only, as before."""

from django.db import migrations

INDEXES = [
    ("detentions_case", "search_key"),
    ("detentions_detainee", "search_key"),
    ("detentions_detainee", "public_search_key"),
    ("detentions_facility", "search_key"),
    ("detentions_institution", "search_key"),
    ("detentions_official", "search_key"),
]


def index_with(method: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
            schema_editor.execute(
                f"CREATE INDEX {table}_{column}_trgm ON {table} "
                f"USING {method} ({column} {method}_trgm_ops)"
            )

    return change


class Migration(migrations.Migration):
    dependencies = [("detentions", "0006_content_version_feed_index")]

    operations = [migrations.RunPython(index_with("gist"), index_with("gin"))]
