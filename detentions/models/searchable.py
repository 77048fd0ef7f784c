"""Records found by name however it is spelled: each keeps its spellings' search key up to date."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from detentions.names import search_key


def spellings_field() -> models.TextField:
    return models.TextField(
        _("other spellings"),
        blank=True,
        help_text=_(
            "Other ways the name is written (another script, romanisation or a misspelling "
            "seen in letters), one per line. Search finds the record by any of them."
        ),
    )


class Searchable(models.Model):
    """A record with a `search_key`: the normalised form of all its spellings, written on every
    save (and by `bulk_search_keys` for bulk inserts), indexed with pg_trgm on PostgreSQL."""

    search_key = models.TextField(_("search key"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.search_key_fields()}
        super().save(*args, **kwargs)

    def spellings(self) -> list[str]:
        """Every way of writing the record's name that staff may search by."""
        raise NotImplementedError

    def public_spellings(self) -> list[str]:
        """The spellings a public search may match: by default all of them; records with a
        public display rule narrow it."""
        return self.spellings()

    def refresh_search_keys(self) -> None:
        self.search_key = search_key(" ".join(self.spellings()))

    @classmethod
    def search_key_fields(cls) -> list[str]:
        return [field.name for field in cls._meta.fields if field.name.endswith("search_key")]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def bulk_search_keys(records: list[Searchable]) -> list[Searchable]:
    """For bulk_create and bulk_update, which bypass save()."""
    for record in records:
        record.refresh_search_keys()
    return records
