"""One spelling-proof key for names that reach us in Cyrillic, in several romanisations and with
typing errors: Baurjan Keukenov, Baurzhan Keukenov and Бауыржан Кеукенов share a key.

`search_key()` is the only normaliser: records store its output (`search_key` columns, indexed
with pg_trgm on PostgreSQL) and every query goes through it, so both sides always agree. It
folds what Kazakh and Russian names vary in when written in Latin letters, and keeps what tells
names apart. `similarity()` then scores a query key against a record key word by word, so word
order, a missing patronymic and a typing error or two still match.
"""

import functools
import re
import unicodedata

# Cyrillic, Russian and Kazakh, to Latin letters; the folding below then merges the variants.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
        "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k",
        "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h",
        "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
        "ю": "yu", "я": "ya",
    }
)  # fmt: skip

# Letters of the Kazakh Latin alphabets that accent-stripping would turn into other sounds.
_LATIN_LETTERS = str.maketrans({"ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "ı": "i"})

# Applied in order, to whole Latin text. Each merges spellings of one sound.
_FOLDS = [
    (re.compile(r"shch|sch"), "sh"),  # Щ: Shchukin, Schukin
    (re.compile(r"tch"), "ch"),
    # Hissing and hushing sounds are kept apart from the h/k merge below with placeholders.
    (re.compile(r"sh"), "§"),
    (re.compile(r"ch"), "¢"),
    (re.compile(r"dzh|dj|zh"), "j"),  # Ж: Zhanna, Janna, Dzhanna
    (re.compile(r"gh"), "g"),  # Ғ written gh: Ghalym, Galym
    (re.compile(r"kh|h|x|q"), "k"),  # Х, Қ, Һ: Kazakh, Kazak, Қазақ; Khabib, Habib, Xabib
    (re.compile(r"ts|tz|c"), "c"),  # Ц: Kuznetsov, Kuznecov
    (re.compile(r"ng"), "n"),  # Ң written ng
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ou"), "u"),  # Nourlan, Nurlan
    (re.compile(r"\bye"), "e"),  # Yerlan, Erlan
    # Й, Ы, Ю, Я and Ж are all written with y, i or j somewhere: Jayanova, Zhayanova, Yayanova;
    # Yusupov, Iusupov, Jusupov. One letter for the lot keeps them together.
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),  # double letters: Zhanna, Zhana
]


def search_key(text: str) -> str:
    """The spelling-proof form of a name or a title: lower case, Latin, folded, one space
    between words ("Бауыржан Кеукенов" -> "bauirian keukenov")."""
    text = text.lower().translate(_CYRILLIC).translate(_LATIN_LETTERS)
    # Accents off (é, ö, ü, ä, ū); apostrophes and signs dropped (Ol'ga, Olga).
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    text = re.sub(r"['ʼ’`´]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return " ".join(text.replace("§", "sh").replace("¢", "ch").split())


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein: the fewest letters to insert, delete or change to turn a into b."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        previous = current
    return previous[-1]


# A search compares the same few words with every candidate's: remembered, each pair is worked
# out once per process.
@functools.lru_cache(maxsize=8192)
def _word_similarity(word: str, other: str) -> float:
    """1 for the same word; less for each typing error; 0 beyond one error in a short word or
    two in a longer one, since a word that far off is another name."""
    if word == other:
        return 1.0
    allowed = 1 if min(len(word), len(other)) <= 4 else 2
    if abs(len(word) - len(other)) > allowed:  # at least that many letters to add
        return 0.0
    distance = _edit_distance(word, other)
    if distance > allowed:
        return 0.0
    return 1 - distance / max(len(word), len(other))


def similarity(query_key: str, key: str) -> float:
    """How well a query matches a record, from 0 to 1: each query word scores its best match
    among the record's words, and the scores are averaged. Extra words in the record (a
    patronymic, another spelling) cost nothing; word order does not matter."""
    query_words, record_words = query_key.split(), key.split()
    if not query_words or not record_words:
        return 0.0
    best = [max(_word_similarity(word, other) for other in record_words) for word in query_words]
    return sum(best) / len(best)


# A record is a match from this score up: one typing error in each word of a two-word name still
# matches; a name with one word right and the other a different name does not.
MATCH_THRESHOLD = 0.6
