"""Normalised keys for Arabic place names written in Latin letters.

News and gazetteers spell the same village many ways (Saraqib / Saraqeb, Kafr Nabl / Kafr Nubul,
Jisr al-Shughur / Jisr Ash-Shugur, Maarat Misrin / Ma'arrat Misrin). Three keys, each coarser:

- `place_key`: spelling noise removed (case, diacritics, apostrophes and ayn marks, hyphens,
  the article "al-"/"el-"/"ash-"..., doubled letters, q/k, ou/oo -> u, ee -> i, the endings
  -eh/-ah/-e -> -a, and the fixed first words Kafr/Kfar, Tal/Tell, Deir/Dayr, Jabal/Jebel ...).
- `vowel_key`: also every vowel run becomes "a" (Saraqib = Saraqeb, Kafr Nabl = Kafr Nubl).
- `skeleton_key`: consonants only (Srmin = Sarmin, Nubl = Nabl); too coarse to trust alone,
  so the matcher uses it only with evidence (a place cue or an admin hint nearby).

All three work word by word, so the key of a phrase is the keys of its words joined by spaces;
the matcher relies on that to build n-gram keys from per-token pieces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The Arabic definite article as it is written before a word (sun letters assimilate it).
ARTICLES = frozenset({"al", "el", "il", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "er", "es", "esh", "et", "ez", "en", "ath", "adh"})
# Articles that are not also English words: safe at the start of a span without a hyphen.
SAFE_ARTICLES = frozenset({"al", "el"})

# First words of compound names, with their common spellings.
_WORD_FORMS = {
    "kafr": ("kafr", "kfar", "kafar", "kefr", "kfr", "kufr", "kefer", "kafer", "kafir"),
    "tal": ("tal", "tell", "tall", "tel", "til"),
    "dayr": ("dayr", "deir", "dair", "der", "dier"),
    "ayn": ("ayn", "ain", "ein", "ayin", "aain"),
    "jabal": ("jabal", "jebel", "jbel", "jabel", "jebal", "jbal", "jbeil"),
    "shaykh": ("shaykh", "sheikh", "sheik", "shaikh", "shekh", "shiekh", "cheikh", "sheykh"),
    "bayt": ("bayt", "beit", "bait", "bet", "beyt"),
    "abu": ("abu", "abou", "abo"),
    "umm": ("umm", "um", "om", "oum", "omm"),
    "khirba": ("khirbet", "khirbat", "kherbet", "khirbit", "khirbeh", "khirba", "kherbeh", "khurbet"),
    "maarat": ("maarat", "maaret", "marat", "maarrat", "maarret", "maret", "maarit", "maaarat", "maara", "maarra"),
    "jisr": ("jisr", "jesr", "jsr"),
    "khan": ("khan", "khān"),
    "wadi": ("wadi", "wady", "wade"),
}
WORD_FORMS = {form: canon for canon, forms in _WORD_FORMS.items() for form in forms}

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʿʾʻʼ′"), None)
# Letters NFKD does not take apart.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_VOWEL_RUN = re.compile(r"[aeiou]+")
_Y_AS_VOWEL = re.compile(r"(?<=[aeiou])y|y$")


def fold(text: str) -> str:
    """Lower case, ASCII letters, apostrophes and ayn marks removed."""
    text = text.translate(_APOSTROPHES).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def split_words(text: str) -> list[str]:
    """Folded words; hyphens, underscores and other punctuation separate words."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The key of one folded word ("" for an article)."""
    if word in ARTICLES:
        return ""
    if word in WORD_FORMS:
        return WORD_FORMS[word]
    # An article glued to its word, as OCHA writes it (Elsobol, Eljabal): el/al + consonant.
    if len(word) >= 5 and word[:2] in ("el", "al"):
        rest = word[2:]
        if (rest[0] not in "aeiouyl") or (word[0] == "e" and len(rest) >= 4 and rest[0] != "l"):
            word = rest
    word = word.replace("q", "k").replace("ou", "u").replace("oo", "u").replace("ee", "i")
    word = _DOUBLE.sub(r"\1", word)
    if len(word) > 3:
        if word.endswith(("eh", "ah")):
            word = word[:-2] + "a"
        elif word.endswith("e"):
            word = word[:-1] + "a"
    return WORD_FORMS.get(word, word)


@lru_cache(maxsize=200_000)
def word_vowel_key(piece: str) -> str:
    """From a word key: every vowel run (and y after a vowel or at the end) becomes "a"."""
    if not piece or piece.isdigit():
        return piece
    return _VOWEL_RUN.sub("a", _Y_AS_VOWEL.sub("a", piece))


@lru_cache(maxsize=200_000)
def word_skeleton(piece: str) -> str:
    """From a word key: the consonants only (digits kept)."""
    if not piece:
        return piece
    consonants = word_vowel_key(piece).replace("a", "")
    return consonants or piece


def _join(parts: list[str]) -> str:
    return " ".join(p for p in parts if p)


def place_key(name: str) -> str:
    """The normalised key of a place name: 'Ma’arrat an-Nu`man' -> 'maarat numan'."""
    return _join([word_key(w) for w in split_words(name)])


def vowel_key(name: str) -> str:
    """Coarser: vowel quality ignored ('Sarmen' and 'Sarmin' -> 'sarman')."""
    return _join([word_vowel_key(word_key(w)) for w in split_words(name)])


def skeleton_key(name: str) -> str:
    """Coarsest: consonants only ('Sarmin' and 'Srmin' -> 'srmn'). Use only with evidence."""
    return _join([word_skeleton(word_key(w)) for w in split_words(name)])


def strip_qualifier(name: str) -> str:
    """OCHA's names carry a parent in brackets ('Bara (Ariha)'): the name without it."""
    return re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()
