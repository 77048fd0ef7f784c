"""Finding records by name however it is spelled.

`find()` takes a queryset the caller has already limited to what the reader may see (public
records for the public, a staff member's cases for staff) and returns the records whose search
key matches, best first, each with the spelling that matched. Both databases compare the same
normalised keys (`detentions.names`): PostgreSQL picks candidates through the pg_trgm index on
the key, SQLite through a plainer substring filter; the final ranking is the same Python score.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Func, Lookup, Model, Q, QuerySet, TextField, Value

from detentions.names import MATCH_THRESHOLD, search_key, similarity

# Candidates fetched from the database per kind of record, before ranking in Python.
CANDIDATES = 60
# Matches shown per kind of record.
SHOWN = 20

# The same records come up search after search, and normalising a spelling costs more than
# scoring it: each spelling is normalised once per process.
_spelling_key = functools.lru_cache(maxsize=20_000)(search_key)


@TextField.register_lookup
class WordSimilarTo(Lookup):
    """`key__word_similar_to=query`: pg_trgm's `query <% key`, which the GiST index answers."""

    lookup_name = "word_similar_to"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{rhs} <%% {lhs}", [*rhs_params, *lhs_params]


class WordDistance(Func):
    """pg_trgm's `query <<-> key`: 1 − word similarity, which a GiST index orders by, nearest
    first, without scoring every record that matches."""

    arg_joiner = " <<-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Match:
    record: Model
    score: float
    spelling: str  # the spelling of the record's name that matched best


def query_key(text: str) -> str:
    return search_key(text)[:200]


def find(
    records: QuerySet,
    text: str,
    *,
    key_field: str = "search_key",
    spellings: Callable[[Model], list[str]] | None = None,
    limit: int = SHOWN,
) -> list[Match]:
    """The records of `records` whose name matches `text`, best first. `spellings` gives the
    spellings a reader may see matched (by default the record's `spellings()`); `key_field` the
    key they were indexed under (`public_search_key` for a public search of people)."""
    key = query_key(text)
    if not key:
        return []
    spellings = spellings or (lambda record: record.spellings())
    matches = []
    for record in _candidates(records, key, key_field):
        scored = [
            (similarity(key, _spelling_key(spelling)), spelling) for spelling in spellings(record)
        ]
        score, spelling = max(scored, default=(0.0, ""), key=lambda pair: pair[0])
        # Words of one spelling and another (a Cyrillic first name, a Latin surname).
        score = max(score, similarity(key, getattr(record, key_field)))
        if score >= MATCH_THRESHOLD:
            matches.append(Match(record, score, spelling))
    # Equal scores and names (two officials of one name) in a lasting order, not the database's.
    matches.sort(key=lambda match: (-match.score, str(match.record), match.record.pk))
    return matches[:limit]


def _candidates(records: QuerySet, key: str, key_field: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return records.filter(**{f"{key_field}__word_similar_to": key}).order_by(
            WordDistance(Value(key), F(key_field))
        )[:CANDIDATES]
    # SQLite: any record sharing a three-letter piece with a word of the query; the Python score
    # then does what the trigram index does on PostgreSQL.
    pieces = {word[i : i + 3] for word in key.split() for i in range(max(len(word) - 2, 1))}
    matching = Q()
    for piece in pieces:
        matching |= Q(**{f"{key_field}__contains": piece})
    return records.exclude(**{key_field: ""}).filter(matching)[: CANDIDATES * 5]
