"""conflictwatch_places_v1: find place names, resolve them against include/reference/places.csv.

Sets `doc._.cw_places` (list[PlaceMention], sorted by start_char, non-overlapping).

How it matches (details and the rules' reasons in docs/places.md):
1. Every token gets a key piece (translit.word_key), its vowel-free and consonant-only forms;
   n-grams of pieces are looked up in three indexes built once per process from places.csv.
   Prefix sets stop an n-gram as soon as no gazetteer key starts with it.
2. Spans are taken longest first. Exact and vowel-level keys need capitalised words (roads,
   crossings and regions from the curated list need not be); one-word villages, sub-districts and
   every consonant-skeleton match also need evidence: a place cue ("the village of", "in", "near",
   "X town"), a governorate the sentence ties it to, or the NER calling it a place.
3. A match inside a longer run of capitalised words ("Rami Abdel Rahman", "Aleppo Media
   Center") or on a PERSON entity is not a place.
4. Same-named places: the kind the text names ("X province", "X city"), then the governorate the
   text gives (possessive "Idlib's X", "X, Idlib", "X in Idlib's countryside", any governorate in
   the sentence), then northwest Syria (Idleb, Aleppo, Hama, Lattakia), then towns (places with
   GeoNames names or the seat of their sub-district). Still spread over two governorates: the
   mention keeps location_id None (documented as ambiguous, never a guess).
5. spaCy GPE/LOC/FAC entities and "the village of X" spans not in the gazetteer are kept with
   kind "unresolved", location_id None and the governorate hint, for dbt to fall back on.

The code keeps that order: `find` reads the document (tokens, governorate hints, runs of names,
facility words), `_resolve` takes each gazetteer match through the checks of 2-4 as named steps,
then `_facilities`, `_compass_parts` and `_unresolved` (5) add what the gazetteer alone misses.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, SENT_START, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.kit import translit
from conflictwatch.nlp.kit.dates import MONTHS, WEEKDAYS
from conflictwatch.nlp.kit.spans import PlaceMention, get_list, km_apart, text_of

NORTHWEST = ("SY07", "SY02", "SY05", "SY06")  # Idleb, Aleppo, Hama, Lattakia
CURATED_KINDS = frozenset({"region", "road", "crossing"})
ADMIN_KINDS = frozenset({"admin1", "admin2", "admin3", "region", "country"})
SMALL_KINDS = frozenset({"community", "neighbourhood", "admin3"})
# Which kind wins when one key names several: the most specific thing news usually means.
KIND_RANK = {
    k: i
    for i, k in enumerate(
        ("country", "crossing", "road", "region", "admin1", "community", "admin2", "admin3", "neighbourhood")
    )
}
# A word after the name that says which kind of place it is.
KIND_WORDS = {
    "province": ("admin1",),
    "governorate": ("admin1",),
    "district": ("admin2",),
    "region": ("admin1", "region"),
    "subdistrict": ("admin3",),
    "sub-district": ("admin3",),
    "nahiya": ("admin3",),
    "city": ("community",),
    "town": ("community",),
    "village": ("community",),
    "villages": ("community",),
    "camp": ("community", "neighbourhood"),
    "neighbourhood": ("neighbourhood",),
    "neighborhood": ("neighbourhood",),
    "crossing": ("crossing",),
    "highway": ("road",),
}
QUARTER_WORDS = frozenset({"neighborhood", "neighbourhood", "neighborhoods", "neighbourhoods", "quarter", "quarters"})
# Words that begin hundreds of Syrian place names ("Kafr Nabl", "Tal Abyad", "Deir Hafer"): alone
# before another capitalised word they are never the whole name.
NAME_PREFIXES = frozenset(
    {"kafr", "kfar", "kafar", "tal", "tell", "deir", "dayr", "jisr", "khan", "beit", "bayt", "umm", "maarat",
     "maaret", "maarrat", "qalaat", "jabal", "jebel", "ras", "ain", "ayn", "bir", "tall", "tel", "bab", "bustan",
     "bostan", "sheikh", "shaykh", "sheik", "abu", "abou", "bani", "beni", "ard", "karm", "karam", "tariq", "tareeq",
     "qasr", "jubb", "rasm", "mazraat", "mazraa", "burj", "borj", "qabr", "harat", "marj", "sahl", "seif", "sayf",
     "khirbet", "khirbat", "hay", "hayy", "wadi"}
)
# Words that put what they tie outside a city: "near Damascus", "west of Damascus", "its suburbs".
AROUND_RE = re.compile(
    r"\b(?:near|outside|around|(?:outskirts|suburbs?|countryside|environs|edge|north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west)\s+of)(?:\s+the)?(?:\s+(?:Syrian\s+)?capital)?\s*,?\s*$",
    re.I,
)
# The capital's countryside named by the city's name: "the countryside of Damascus", "Damascus countryside".
COUNTRYSIDE_BEFORE_RE = re.compile(r"\b(?:countryside|suburbs|outskirts|rural\s+areas)\s+of\s+(?:the\s+)?$", re.I)
COUNTRYSIDE_AFTER_RE = re.compile(r"(?:['’]s)?\s+(?:countryside|suburbs|outskirts)\b", re.I)
# "-held X": the second half of a control adjective before a name ("rebel-held", "IS-controlled").
CONTROL_WORDS = frozenset({"held", "controlled", "run", "besieged", "occupied", "dominated"})
CUE_BEFORE = frozenset(
    {
        "in",
        "on",
        "hit",
        "attacked",
        "raided",
        "struck",
        "shelled",
        "targeted",
        "pounded",
        "bombed",
        "stormed",
        "captured",
        "besieged",
        "entered",
        "reached",
        "fled",
        "recaptured",
        "seized",
        "near",
        "at",
        "from",
        "into",
        "outside",
        "around",
        "toward",
        "towards",
        "#",
        "across",
        "village",
        "town",
        "city",
        "villages",
        "towns",
        # taking, holding or striking a place
        "surrounded",
        "encircled",
        "besieging",
        "taking",
        "took",
        "taken",
        "retook",
        "retaking",
        "capturing",
        "seizing",
        "entering",
        "reaching",
        "storming",
        "shelling",
        "hitting",
        "targeting",
        "pounding",
        "striking",
        "bombarding",
        "liberated",
        "liberating",
        "regained",
        "overran",
        "via",
        "through",
        "inside",
        "within",
        "between",
    }
)
# "of" is a cue only after these: "the town of X", "the outskirts of X" (not "forces of X").
OF_HEADS = frozenset(
    {
        "village",
        "villages",
        "town",
        "towns",
        "city",
        "outskirts",
        "countryside",
        "vicinity",
        "area",
        "suburbs",
        "west",
        "east",
        "north",
        "south",
        "residents",
        "people",
        "outskirt",
        # taking or holding it: "the fall of X", "the siege of X"
        "fall",
        "siege",
        "capture",
        "recapture",
        "liberation",
        "battle",
        "shelling",
        "bombardment",
        "bombing",
        "evacuation",
        # parts and surroundings of it
        "entrance",
        "entrances",
        "centre",
        "center",
        "heart",
        "streets",
        "part",
        "parts",
        "edge",
        "edges",
        "environs",
        "surroundings",
        "northwest",
        "northeast",
        "southwest",
        "southeast",
        "suburb",
        "farms",
        "inhabitants",
        "villagers",
        "cities",
        "areas",
        "neighborhood",
        "neighbourhood",
        "neighborhoods",
        "neighbourhoods",
        "district",
        "districts",
        "quarter",
        "quarters",
        "province",
        "governorate",
        "region",
    }
)
CUE_AFTER = frozenset(
    {
        "village",
        "villages",
        "town",
        "city",
        "area",
        "market",
        "countryside",
        "outskirts",
        "district",
        "subdistrict",
        "province",
        "governorate",
        "region",
        "neighbourhood",
        "neighborhood",
        "camp",
        "hospital",
        "crossing",
        "plain",
        "suburb",
        "suburbs",
        "mountain",
        "square",
        "'s",
        "’s",
    }
)
NEAR_BEFORE = frozenset(
    {
        "near",
        "outside",
        "around",
        "outskirts",
        "vicinity",
        "close",
        "nearby",
        "surroundings",
        "environs",
        "edge",
        "edges",
        "periphery",
        "west",
        "east",
        "north",
        "south",
    }
)
NEAR_AFTER = frozenset(
    {
        "market",
        "countryside",
        "outskirts",
        "area",
        "surroundings",
        "environs",
        "plain",
        "suburb",
        "suburbs",
        "hospital",
        "mountain",
        "district's",
    }
)
# Capitalised neighbours that do not make a name longer (unlike "Rami" in "Rami Abdel Rahman").
NEIGHBOUR_OK = frozenset(
    {
        "northern",
        "southern",
        "eastern",
        "western",
        "north",
        "south",
        "east",
        "west",
        "northwestern",
        "northeastern",
        "southwestern",
        "southeastern",
        "northwest",
        "northeast",
        "southwest",
        "southeast",
        "central",
        "rural",
        "greater",
        "city",
        "town",
        "village",
        "province",
        "governorate",
        "district",
        "subdistrict",
        "countryside",
        "crossing",
        "border",
        "highway",
        "road",
        "camp",
        "market",
        "region",
        "area",
        "gate",
        "plain",
        "mountain",
        "mountains",
        "airport",
        "syria",
        "turkey",
    }
)
# Words that are never (part of) a place name: feasts, faiths, peoples, and the day and month
# names of the dates module (full month names only: "Mar" begins names, "Mar Elias").
NOT_PLACE_WORDS = (
    frozenset({
        "ramadan", "eid", "shiite", "shia", "sunni", "alawite", "druze", "kurd", "kurds", "turkmen",
        "yazidi", "armenian", "islamic", "islamist", "jihadist", "muslims", "god", "allah", "muslim",
        "christian", "arab", "kurdish", "turkish", "russian", "syrian", "iranian", "palestinian", "lebanese",
        "iraqi", "jordanian", "israeli", "american", "british", "french", "saudi", "qatari", "emirati",
        "chechen", "afghan", "uzbek", "catholic", "orthodox", "assyrian", "maronite", "christians",
        # regions wider than Syria ("deputy for Mideast and North Africa", "... of Iraq and the Levant")
        "levant", "mideast", "africa", "europe", "asia",
    })
    | frozenset(WEEKDAYS)
    | frozenset(max((m for m in MONTHS if MONTHS[m] == n), key=len) for n in set(MONTHS.values()))
)
UNRESOLVED_LABELS = frozenset({"GPE", "LOC", "FAC"})
# The source tag a headline ends with ("... in Syrias Raqa NGO", "... rebel town Monitor AFP"), as written
SOURCE_TAGS = frozenset({"NGO", "Monitor", "Observatory", "Activists", "Watchdog", "AFP", "Reuters", "AP", "SANA",
                         "Agencies", "Sputnik", "TASS", "Xinhua", "Anadolu"})
WEAPON_NOUNS = frozenset({"rocket", "rockets", "missile", "missiles", "launcher", "launchers", "shells", "mortars"})
# "the X of Y" / "Y X" name a settlement or a part of one that the gazetteer may not know
SETTLEMENT_WORDS = frozenset(
    {"village", "town", "villages", "towns", "neighborhood", "neighbourhood", "neighborhoods", "neighbourhoods",
     "suburb", "suburbs", "district", "districts", "quarter", "quarters", "area", "areas", "region"}
)
# Nouns that announce several settlements: a run of names after them is a list ("the towns of A B and C").
PLURAL_SETTLEMENTS = frozenset(
    {"villages", "towns", "cities", "neighborhoods", "neighbourhoods", "districts", "suburbs", "quarters", "areas",
     "localities", "hamlets", "regions", "camps"}
)
# A word after such a noun that opens its list: "villages including A", "towns such as A", "cities most notably A".
LIST_CUES = frozenset({"including", "namely", "notably", "especially", "particularly", "mainly", "mostly"})
LIST_JOINERS = frozenset({"and", "or", ","})
# Labels of a capitalised neighbour that never make a place name longer ("the Palestinian Yarmuk camp").
NEIGHBOUR_OK_LABELS = frozenset({"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
# Facilities and landmarks: the word that says what it is, and its class (PlaceMention.facility).
FACILITY_HEADS = {
    "airport": "airport", "airports": "airport",
    "airbase": "airbase", "airfield": "airbase", "airstrip": "airbase",
    "base": "base",
    "road": "road", "highway": "road", "street": "street", "avenue": "street",
    "roundabout": "junction", "crossroad": "junction", "crossroads": "junction", "junction": "junction",
    "intersection": "junction",
    "square": "square", "bridge": "bridge", "dam": "dam",
    "mosque": "mosque", "church": "church", "shrine": "shrine",
    "hospital": "hospital", "school": "school", "university": "university",
    "prison": "prison", "stadium": "stadium", "factory": "factory",
    "field": "field", "fields": "field", "oilfield": "field", "oilfields": "field", "gasfield": "field",
    "mountain": "mountain", "mountains": "mountain", "hill": "mountain", "hills": "mountain",
    "desert": "desert", "farms": "farms", "camp": "camp",
    "checkpoint": "checkpoint", "station": "station", "park": "park",
    "citadel": "citadel", "castle": "citadel", "crossing": "crossing",
}
# Classes named after the town they serve ("Nairab military airport", "Atmeh camp"): the town is
# resolved and the mention keeps its place. Others are often named after people ("Khalid ibn
# al-Walid street", "Umayyad square"): they stay unresolved, with the governorate hint.
ANCHORED_FACILITIES = frozenset(
    {"airport", "airbase", "base", "camp", "dam", "field", "prison", "hospital", "university", "citadel",
     "old city", "crossing", "station"}
)
# Facilities named by a number after the word: "Division 17", "Base 46".
NUMBERED_FACILITIES = frozenset({"division", "base", "brigade", "regiment", "battalion"})
# Words between a facility's name and its head word: "Nairab military airport", "Shaar gas field".
FACILITY_MODIFIERS = frozenset(
    {"military", "international", "air", "refugee", "refugees", "displacement", "displaced", "idp", "gas", "oil",
     "national", "main", "central", "grand", "great", "residential", "industrial", "power", "water", "civil",
     "general", "public", "state", "border", "thermal", "cement", "sugar", "army"}
)
# Landmarks that need no name: "the citadel", "Aleppo's old city".
LANDMARKS = frozenset({"citadel", "old city", "old town", "old quarter"})
# Lower-case words inside a person's name that a facility is named after ("Khalid ibn al-Walid street").
NAME_JOINERS = frozenset({"ibn", "bin", "bint", "abu", "bani"})
# Words that make a capitalised name an organisation's, not a facility's ("the Islamic State base").
ORG_WORDS = frozenset(
    {"state", "army", "forces", "front", "brigade", "brigades", "battalion", "movement", "group", "council",
     "coalition", "party", "unit", "units", "militia", "regime", "government", "ministry", "agency", "observatory",
     "committee", "news", "media", "organization", "organisation", "hezbollah", "isis", "isil", "daesh", "nusra",
     "qaeda", "jaish", "jaysh", "ahrar", "jabhat", "liwa", "liwaa", "faylaq", "kataib", "harakat", "white", "helmets",
     "red", "crescent", "cross",
     "un", "unicef", "who", "msf", "reuters", "afp", "sana", "tags", "tv", "radio", "channel", "today", "online"}
)
# Words that begin a place name and take the next word with them ("Bab al-Hadid", "Jubb Hamad"):
# used to split an unknown run of names in a list.
JOIN_PREFIXES = frozenset(
    {"kafr", "tal", "dayr", "ayn", "khirba", "maarat", "jisr", "khan", "bayt", "jabal", "wadi", "bab", "bustan",
     "ard", "karm", "karam", "tarik", "shaykh", "abu", "umm", "bir", "ras", "kasr", "jub", "rasm", "unk", "mazrat",
     "hay", "bani", "bin", "ibn", "sayf", "seif", "tala", "burj", "sahl", "kalat", "kabr", "harat", "sayid",
     "sayed", "mashad", "marj", "dahiyat", "hawsh", "hush", "sala", "dar", "western", "eastern", "northern",
     "southern", "upper", "lower", "old", "new"}
)
# Words that end a place name ("Zuqaylbat Jadida", "Urum al-Kubra").
NAME_SUFFIXES = frozenset(
    {"jadida", "jdida", "kabir", "kabira", "kbira", "saghir", "saghira", "sghira", "sharki", "gharbi", "shamali",
     "janubi", "kibli", "fawkani", "tahtani", "kubra", "sughra", "sharkiya", "gharbiya", "kadima", "wusta"}
)
# Sun-letter articles glued to the word ("Addawla", "Asshifa") or "Al"/"El" glued ("Aljabal").
_GLUED_ARTICLE_RE = re.compile(r"^(?:A([dstrzn])\1|[AE]l(?=[b-df-hj-np-tv-z]))[a-z]{2,}$")
ACTOR_NOUNS = frozenset(
    {
        "regime",
        "forces",
        "government",
        "loyalists",
        "troops",
        "army",
        "militia",
        "militias",
        "family",
        "supporters",
        "administration",
        "said",
        "told",
        "says",
        "terrorist",
        "terrorists",
        "militants",
        "fighters",
        "rebels",
        "organization",
        "organisation",
        "group",
        "front",
    }
)
TOPONYM_HEADS = frozenset(
    {"kafr", "tal", "dayr", "ayn", "khirba", "maarat", "jisr", "khan", "bayt", "jabal", "wadi", "kabr", "bab",
     "bustan", "ard", "karm", "tarik", "jub", "rasm", "mazrat", "burj", "harat", "dahiyat", "kasr"}
)
# Compass words that make a mention a part of its place ("east Aleppo", "eastern Syria").
COMPASS_WORDS = frozenset(
    {"east", "eastern", "west", "western", "north", "northern", "south", "southern", "northeast", "northeastern",
     "northwest", "northwestern", "southeast", "southeastern", "southwest", "southwestern"}
)
# Words that are never a place's whole name, even capitalised.
GENERIC_WORDS = (NEIGHBOUR_OK - {"syria", "turkey"}) | SETTLEMENT_WORDS | PLURAL_SETTLEMENTS | frozenset(KIND_WORDS) | frozenset(FACILITY_HEADS)
# Reporters write "Damascus" for the capital's countryside too ("Jaramana, a suburb of Damascus").
DAMASCUS_PAIR = {"Damascus", "Rural Damascus"}


def _last_governorate_span(ctx, i: int):
    """The governorate the text named last before token i (ctx.admin_spans), or None."""
    before = [a for a in ctx.admin_spans if a[1] <= i]
    return max(before, key=lambda a: a[1]) if before else None


def _in_governorate(places: list, admin1: str) -> list:
    """The places in that governorate (Damascus and Rural Damascus taken as one: reporters mix them)."""
    return [p for p in places if p.admin1 == admin1 or {p.admin1, admin1} == DAMASCUS_PAIR]


NOT_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
# "Omar ibn al-Khattab": a word that makes the names around it a man's.
SON_OF = frozenset({"ibn", "bin", "bint"})
# Verbs of saying among ACTOR_NOUNS: "X said" makes X a speaker, unless X is in a list of places.
SPEECH_WORDS = frozenset({"said", "told", "says"})
# Punctuation between the parts of a page title ("... NGO - Region - World").
TITLE_SEPARATORS = frozenset({"-", "–", "—", "|"})
# "the historic citadel", "its old city": a landmark needs one of these before it to be the one of the place.
LANDMARK_ADJECTIVES = frozenset({"historic", "ancient", "famous", "besieged"})
LANDMARK_DETERMINERS = frozenset({"the", "its", "their", "'s", "’s"})
# Each step of `_resolve` may only lower a mention's confidence, never raise it.
_CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


def _weaker(a: str, b: str) -> str:
    """The lower of two confidence values."""
    return a if _CONFIDENCE_RANK[a] <= _CONFIDENCE_RANK[b] else b


@dataclass(frozen=True)
class Place:
    location_id: str
    name: str
    kind: str
    admin1: str | None
    admin1_pcode: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    is_town: bool


@dataclass
class Gazetteer:
    places: list[Place]
    index: tuple[dict[str, tuple[int, ...]], ...]  # place_key, vowel_key, skeleton_key -> place indexes
    prefixes: tuple[frozenset[str], ...]
    max_words: int
    admin1_names: frozenset[str]
    seats: dict[str, int]  # admin2/admin3 location_id -> the community of the same name inside it


def _float(value: str) -> float | None:
    return float(value) if value else None


def _level_keys(name: str) -> tuple[str, str, str]:
    """A name's place_key, vowel_key and skeleton_key, built word by word as the matcher builds n-grams."""
    words = translit.split_words(name)
    pieces = [translit.word_key(w) for w in words]
    k1 = " ".join(p for p in pieces if p)
    k2 = " ".join(translit.word_vowel_key(p) for p in pieces if p)
    k3 = " ".join(translit.word_skeleton(p) for p in pieces if p)
    return k1, k2, k3


def build_gazetteer(path: Path) -> Gazetteer:
    """The gazetteer of a places.csv: its rows, one index per key level, prefix sets and town seats."""
    places: list[Place] = []
    index: tuple[dict[str, set[int]], ...] = (defaultdict(set), defaultdict(set), defaultdict(set))
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names = [row["name"], translit.strip_qualifier(row["name"])]
            names += [a for a in row["aliases"].split("|") if a]
            i = len(places)
            places.append(
                Place(
                    row["location_id"],
                    row["name"],
                    row["kind"],
                    row["admin1"] or None,
                    row["admin1_pcode"] or None,
                    row["admin2"] or None,
                    _float(row["latitude"]),
                    _float(row["longitude"]),
                    is_town="GeoNames" in row["source"]
                    or translit.place_key(row["name"]) == translit.place_key(row["admin3"]),
                )
            )
            for name in names:
                for level, key in enumerate(_level_keys(name)):
                    # a skeleton of under three consonants matches far too much
                    if key and not (level == 2 and len(key.replace(" ", "")) < 3):
                        index[level][key].add(i)
    prefixes = []
    max_words = 1
    for level_index in index:
        pre = set()
        for key in level_index:
            words = key.split(" ")
            max_words = max(max_words, len(words))
            for n in range(1, len(words) + 1):
                pre.add(" ".join(words[:n]))
        prefixes.append(frozenset(pre))
    frozen = tuple({k: tuple(sorted(v)) for k, v in level_index.items()} for level_index in index)
    admin1_names = frozenset(p.name for p in places if p.kind == "admin1")
    by_unit: dict[tuple[str | None, str], int] = {}
    for i, p in enumerate(places):
        if p.kind == "community":
            by_unit.setdefault((p.admin2, translit.vowel_key(translit.strip_qualifier(p.name))), i)
    seats = {}
    for p in places:
        if p.kind in ("admin2", "admin3"):
            hit = by_unit.get((p.admin2, translit.vowel_key(p.name)))
            if hit is not None:
                seats[p.location_id] = hit
    return Gazetteer(places, frozen, tuple(prefixes), max_words, admin1_names, seats)


@lru_cache(maxsize=4)
def load_gazetteer(reference_dir: str | None = None) -> Gazetteer:
    """The gazetteer of `reference_dir`/places.csv, built once per process."""
    if reference_dir is None:
        from conflictwatch.config import Settings

        reference_dir = str(Settings().reference_dir)
    return build_gazetteer(Path(reference_dir) / "places.csv")


@dataclass
class _Tok:
    text: str
    low: str
    start: int
    end: int
    barrier: bool  # punctuation a name cannot cross
    article: bool
    piece: str  # translit key of the token ("" for articles and hyphens)
    cap: bool
    sent: int
    num: bool = False  # a number or number word ("17", "Fifty")


@dataclass
class _Cand:
    i: int  # first token
    j: int  # one past the last token
    level: int  # 0 place_key, 1 vowel_key, 2 skeleton_key
    idxs: tuple[int, ...]
    n_words: int
    quarters: tuple[int, ...] = ()  # city neighbourhoods the words name only at a coarser key


@lru_cache(maxsize=100_000)
def _word_keys(text: str) -> tuple[str, str]:
    """A token's folded form and its key (its words' keys), kept: most words recur across documents."""
    return translit.fold(text), " ".join(translit.word_key(w) for w in translit.split_words(text)).strip()


@lru_cache(maxsize=100_000)
def _level_pieces(piece: str) -> tuple[str, str, str]:
    """A token's key at each level (place, vowel, skeleton), kept: a token is read by every n-gram over it."""
    words = piece.split(" ")
    return (
        piece,
        " ".join(translit.word_vowel_key(p) for p in words),
        " ".join(translit.word_skeleton(p) for p in words),
    )


_TOKEN_ATTRS = (IDX, LENGTH, SPACY, IS_PUNCT, IS_SPACE, LIKE_NUM)


def _sentence_numbers(doc: Doc, texts: list[str]) -> list[int]:
    """Each token's sentence (spaCy's, read from the SENT_START array as `Doc.sents` reads it; a
    rough split on full stops and blank lines where the doc has none)."""
    sent_of = [0] * len(doc)
    if doc.has_annotation("SENT_START") and "sents" in doc.user_hooks:
        for s_i, sent in enumerate(doc.sents):
            for k in range(sent.start, sent.end):
                sent_of[k] = s_i
    elif doc.has_annotation("SENT_START"):
        s_i = 0
        for k, start in enumerate(doc.to_array(SENT_START).tolist()):
            if k and start == 1:
                s_i += 1
            sent_of[k] = s_i
    else:
        s_i = 0
        for k, text in enumerate(texts):
            sent_of[k] = s_i
            if text in (".", "!", "?") or "\n\n" in text:
                s_i += 1
    return sent_of


def _tokens(doc: Doc) -> list[_Tok]:
    """The doc's tokens with their keys, case and sentence (read from the doc's arrays: making a
    Token object for each is most of the cost)."""
    if not len(doc):
        return []
    text_all = text_of(doc)
    rows = doc.to_array(list(_TOKEN_ATTRS)).tolist()
    texts = [text_all[idx:idx + length] for idx, length, *_ in rows]
    sent_of = _sentence_numbers(doc, texts)
    toks = []
    for k, (idx, _length, space, punct, is_space, like_num) in enumerate(rows):
        text = texts[k]
        low, barrier, article, piece, cap = _token_keys(text, bool(space), bool(punct), bool(is_space))
        toks.append(
            _Tok(text, low, idx, idx + len(text), barrier, article, piece, cap, sent_of[k], bool(like_num))
        )
    return toks


@lru_cache(maxsize=100_000)
def _token_keys(text: str, space: bool, punct: bool, is_space: bool) -> tuple[str, bool, bool, str, bool]:
    """What a token's text and spacing say of it (lower case, barrier, article, key, capitalised), kept:
    most words recur across documents."""
    folded, piece = _word_keys(text)
    is_hyphen = text in ("-", "‐", "–") and not space
    barrier = not is_hyphen and (punct or is_space or not folded.strip())
    return text.lower(), barrier, folded in translit.ARTICLES, "" if barrier or is_hyphen else piece, \
        text[:1].isupper() or text[:1].isdigit()


def _candidates(toks: list[_Tok], gaz: Gazetteer) -> list[_Cand]:
    """Every token n-gram whose key at some level is a gazetteer key (prefix sets stop an n-gram early)."""
    out: list[_Cand] = []
    n = len(toks)
    max_tokens = gaz.max_words * 3
    pieces = [_level_pieces(t.piece) if t.piece else None for t in toks]  # each token's keys, read once
    prefixes, index = gaz.prefixes, gaz.index
    for i in range(n):
        t = toks[i]
        if t.barrier or (
            t.article and t.low not in translit.SAFE_ARTICLES and not (i + 1 < n and toks[i + 1].text == "-")
        ):
            continue
        if not t.piece and not t.article:
            continue
        keys: tuple[str, ...] = ()
        live = [True, True, True]
        words = 0
        for j in range(i, min(n, i + max_tokens)):
            if toks[j].barrier:
                break
            level_pieces = pieces[j]
            if level_pieces is None:
                continue
            words += 1
            keys = level_pieces if words == 1 else tuple(k + " " + p for k, p in zip(keys, level_pieces, strict=True))
            for level in range(3):
                if not live[level]:
                    continue
                if keys[level] not in prefixes[level]:
                    live[level] = False
                    continue
                hits = index[level].get(keys[level])
                if hits:
                    out.append(_Cand(i, j + 1, level, hits, words, _coarser_quarters(gaz, keys, level, hits)))
            if not any(live):
                break
    return out


def _coarser_quarters(gaz: Gazetteer, keys: tuple[str, ...], level: int, hits: tuple[int, ...]) -> tuple[int, ...]:
    """City neighbourhoods the same words name at a coarser key ("Hamdaniyeh": a village of Hama by
    its spelling, Aleppo's Hamadaniyeh by its consonants), so that a report from that city can
    still read the name as its quarter (PlacesMatcher._quarters_of_the_story); nothing else uses them."""
    extra: list[int] = []
    for coarser in range(level + 1, 3):
        for x in gaz.index[coarser].get(keys[coarser], ()):
            if gaz.places[x].kind == "neighbourhood" and x not in hits and x not in extra:
                extra.append(x)
    return tuple(extra)


ATTACKED = frozenset(
    {"shelled", "bombed", "struck", "hit", "targeted", "pounded", "attacked", "raided", "bombarded",
     "besieged", "stormed", "captured", "overrun", "recaptured", "seized", "shelling", "rocketed"}
)


def _attacked_after(toks: list[_Tok], j: int) -> bool:
    """The words after the name say it was attacked ("was shelled", "has been bombed", "came under")."""
    nxt = [t.low for t in toks[j : j + 3]]
    if nxt[:1] in (["was"], ["were"]) and len(nxt) > 1 and nxt[1] in ATTACKED:
        return True
    if nxt[:2] in (["has", "been"], ["had", "been"], ["have", "been"]) and len(nxt) > 2 and nxt[2] in ATTACKED:
        return True
    return nxt[:2] == ["came", "under"]


# "BEIRUT (Reuters) -", "Damascus, Jan 5 (SANA) -", "ALEPPO, Syria —": where the report was filed.
_DATELINE_TAIL_RE = re.compile(
    r"\s*(?:,\s*[A-Z][\w.]*(?:\s+\d{1,2}(?:,?\s+\d{4})?)?\s*)?(?:\([^()\n]{1,40}\)\s*)?[-–—]\s"
)


def is_dateline(text: str, m: PlaceMention) -> bool:
    """A place that opens a paragraph as the report's dateline, not as where anything happened.

    The dateline form itself ("PLACE (Agency) -", "PLACE, Mon 5 -"), or a place outside Syria
    opening a paragraph at all (wire copy filed from Beirut, Geneva or Moscow, often with its
    punctuation lost: "Beirut Syrian jets struck ...").
    """
    line_start = text.rfind("\n", 0, m.start_char) + 1
    if text[line_start : m.start_char].strip():
        return False
    if (m.location_id or "").startswith("abroad:"):
        return True
    tail = _DATELINE_TAIL_RE.match(text, m.end_char)
    # a bare dash after a name in ordinary case is an aside ("Ariha - a town in Idlib - was ..."),
    # after an upper-case name or with an agency or a date between, a dateline
    return bool(tail) and (m.text.isupper() or bool(re.search(r"[(,]", tail.group(0))))


@dataclass
class _Ctx:
    """One document's state while matching: tokens, NER labels, runs of names, facilities, choices."""

    doc: Doc
    text: str  # doc.text, read once (Doc.text joins every token each time)
    toks: list[_Tok]
    ent_label: dict[int, str]
    title_sents: set[int]
    lower_words: set[str]
    poss_admin: dict[int, int]  # token of a possessive that lost its apostrophe ("Aleppos") -> admin1 place
    admin_spans: list[tuple[int, int, str, int]] = field(default_factory=list)
    run_of: list[int] = field(default_factory=list)  # run id of each token, -1 outside runs
    runs: list[tuple[int, int]] = field(default_factory=list)
    run_cue: list[str | None] = field(default_factory=list)  # "settlement" | "cue" | None
    run_covered: list[bool] = field(default_factory=list)  # every name word is part of a gazetteer match
    run_joined: list[bool] = field(default_factory=list)  # the run holds "and", "or" or a comma
    gz_start: list[bool] = field(default_factory=list)  # a gazetteer match starts / ends at this token
    gz_end: list[bool] = field(default_factory=list)
    gz_cov: list[bool] = field(default_factory=list)  # a plausible gazetteer match covers this word
    fac_tok: list[bool] = field(default_factory=list)  # head or modifier word of a facility phrase
    fac_start: dict[int, str] = field(default_factory=dict)  # first token of a facility phrase -> class
    chosen: list[PlaceMention] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (i, j, level) of each chosen mention
    ends: set[int] = field(default_factory=set)
    starts: set[int] = field(default_factory=set)
    known: set[str] = field(default_factory=set)  # folded names the article placed with evidence


def _run_word(t: _Tok) -> bool:
    """A word that can be (part of) a place name in a run of names."""
    return (
        t.cap
        and bool(t.piece)
        and not t.text[:1].isdigit()
        and t.low not in STOP_WORDS
        and t.low not in NOT_PLACE_WORDS
    )


def _name_article(toks: list[_Tok], k: int) -> bool:
    """An Arabic article inside a name ("al-", "Al", "ash-"), not the English "as", "at", "an"."""
    t = toks[k]
    return t.article and (t.low in translit.SAFE_ARTICLES or t.cap or (k + 1 < len(toks) and toks[k + 1].text == "-"))


def _word_ahead(toks: list[_Tok], k: int) -> int:
    """The run word at k, or after the articles and hyphens that start at k ("al-Bab"); -1 if none."""
    n = len(toks)
    while k < n and (toks[k].article or toks[k].text == "-"):
        if toks[k].article and not _name_article(toks, k):
            return -1  # "as", "at", "an" in lower case are English words
        k += 1
    return k if k < n and _run_word(toks[k]) else -1


class PlacesMatcher:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self._poss_cache: dict[str, int] = {}
        self._capital = next((p for p in gazetteer.places if p.location_id == self.CAPITAL_ID), None)
        self._rural_capital = next((p for p in gazetteer.places if p.location_id == self.RURAL_CAPITAL_ID), None)

    def __call__(self, doc: Doc) -> Doc:
        """Set doc._.cw_places: the place mentions, datelines left out."""
        mentions = get_list(doc, "cw_places")
        text = text_of(doc)
        mentions.extend(m for m in self.find(doc) if not is_dateline(text, m))
        mentions.sort(key=lambda m: m.start_char)
        return doc

    def find(self, doc: Doc) -> list[PlaceMention]:
        """Every place mention of doc in text order, datelines included."""
        toks = _tokens(doc)
        if not toks:
            return []
        ctx = self._context(doc, toks)
        cands = _candidates(toks, self.gaz)
        self._governorate_hints(ctx, cands)  # first: they are the hints for everything else
        self._gazetteer_bounds(ctx, cands)
        self._find_runs(ctx)
        phrases = self._facility_phrases(ctx)
        taken = self._take_gazetteer_matches(ctx, cands)
        self._facilities(ctx, phrases, taken)
        self._compass_parts(ctx, taken)
        chosen = [m for m in ctx.chosen if m is not None]
        unresolved = self._unresolved(ctx, taken)
        chosen.extend(unresolved)
        chosen.extend(self._unresolved_again(ctx, taken, unresolved))
        chosen.extend(self._the_capital(ctx, taken, chosen))
        chosen = [m for m in chosen if m.location_id or m.text not in SOURCE_TAGS]  # "rebel town Monitor AFP"
        chosen.sort(key=lambda m: m.start_char)
        return chosen

    # ---- per-document preparation ------------------------------------------------------------

    def _context(self, doc: Doc, toks: list[_Tok]) -> _Ctx:
        """The document's matching state before any match: NER labels, headline sentences, lower-case words."""
        ent_label: dict[int, str] = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ent_label[k] = ent.label_
        lower_words = {t.text for t in toks if t.text.islower()}
        return _Ctx(
            doc, text_of(doc), toks, ent_label, self._title_case_sentences(toks), lower_words, self._lost_possessives(toks)
        )

    def _governorate_hints(self, ctx: _Ctx, cands: list[_Cand]) -> None:
        """The governorates the text names (ctx.admin_spans), which tie the other names to one."""
        gaz, toks, text = self.gaz, ctx.toks, ctx.text
        for c in cands:
            if c.level == 0 and all(toks[k].cap or not toks[k].piece for k in range(c.i, c.j)):
                kinds = {gaz.places[x].kind for x in c.idxs}
                for x in c.idxs:
                    p = gaz.places[x]
                    if p.admin1 and (p.kind == "admin1" or (p.kind == "region" and "admin1" not in kinds)):
                        span_text = text[toks[c.i].start : toks[c.j - 1].end]
                        probe = PlaceMention(toks[c.i].start, toks[c.j - 1].end, span_text, p.kind)
                        if not is_dateline(text, probe):  # where the report was filed hints nothing
                            admin1 = self._rural_capital.admin1 if self._around_the_capital(ctx, c, p) else p.admin1
                            ctx.admin_spans.append((c.i, c.j, admin1, toks[c.i].sent))
                        break
        for k, x in ctx.poss_admin.items():  # "Aleppos Kadi Askar": the lost possessive is a hint too
            ctx.admin_spans.append((k, k + 1, gaz.places[x].admin1, toks[k].sent))

    def _around_the_capital(self, ctx: _Ctx, c: _Cand, p: Place) -> bool:
        """"near Damascus", "west of Damascus", "the suburbs of Damascus": the places it ties are around
        the city, in Rural Damascus (the codebook: Damascus is the city, its surroundings Rural Damascus)."""
        if p.location_id != self.CAPITAL_ID or self._rural_capital is None:
            return False
        before = ctx.text[max(0, ctx.toks[c.i].start - 40) : ctx.toks[c.i].start]
        return bool(AROUND_RE.search(before)) or self._capital_countryside(ctx, c, p)

    def _capital_countryside(self, ctx: _Ctx, c: _Cand, p: Place) -> bool:
        """"Damascus countryside", "the countryside of Damascus", "Damascus suburbs": Rural Damascus
        itself (its official name is the Damascus countryside), not the city."""
        if p.location_id != self.CAPITAL_ID or self._rural_capital is None:
            return False
        start, end = ctx.toks[c.i].start, ctx.toks[c.j - 1].end
        return bool(COUNTRYSIDE_BEFORE_RE.search(ctx.text, max(0, start - 40), start)
                    or COUNTRYSIDE_AFTER_RE.match(ctx.text, end))

    def _take_gazetteer_matches(self, ctx: _Ctx, cands: list[_Cand]) -> list[bool]:
        """Resolve the gazetteer matches, longest first, into ctx.chosen; which tokens they took."""
        toks = ctx.toks
        cands.sort(key=lambda c: (-c.n_words, -(c.j - c.i), c.level, c.i))
        taken = [False] * len(toks)
        rejected = self._take(ctx, cands, taken)
        # Longest first means a two-word name is read before the one-word place listed next to it
        # ("Akhtarin, Turkmen Bari and Dabiq"): once that place is taken, a name it lists is read again.
        rejected = self._take(ctx, rejected, taken, gate=self._listed_next_to_taken)
        # One sense per discourse: a name the article places elsewhere with evidence ("in Khan
        # Sheikhoun") is that place again where its own sentence gives none ("a team went to Khan Sheikhoun").
        ctx.known = {translit.fold(m.text) for m in ctx.chosen if m is not None and m.location_id and m.evidence != "name"}
        self._take(ctx, rejected, taken, gate=lambda ctx, c: c.n_words >= 2 and self._cand_text(ctx, c) in ctx.known)
        return taken

    @staticmethod
    def _cand_text(ctx: _Ctx, c: _Cand) -> str:
        return translit.fold(ctx.text[ctx.toks[c.i].start : ctx.toks[c.j - 1].end])

    def _take(self, ctx: _Ctx, cands: list[_Cand], taken: list[bool], gate=None) -> list[_Cand]:
        """Resolve cands in order into ctx.chosen, marking their tokens taken; the ones resolved to nothing.
        gate(ctx, c) says which of cands to read at all (a second pass reads a few again)."""
        toks = ctx.toks
        rejected = []
        for c in cands:
            if any(taken[c.i : c.j]):
                continue
            if gate is not None and not gate(ctx, c):
                rejected.append(c)
                continue
            if any(ctx.fac_tok[c.i : c.j]) and (
                c.level > 0 or all(ctx.fac_tok[k] for k in range(c.i, c.j) if toks[k].piece)
            ) and not any(self.gaz.places[x].kind in CURATED_KINDS for x in c.idxs):
                continue  # "Castello Road", "Base 46": the facility's own word is no village
            mention = self._resolve(ctx, c)
            if mention is None:
                rejected.append(c)
                continue
            ctx.chosen.append(mention)
            ctx.spans.append((c.i, c.j, c.level))
            ctx.ends.add(c.j - 1)
            ctx.starts.add(c.i)
            for k in range(c.i, c.j):
                taken[k] = True
        return rejected

    @staticmethod
    def _listed_next_to_taken(ctx: _Ctx, c: _Cand) -> bool:
        toks = ctx.toks
        before = c.i >= 2 and toks[c.i - 1].low in (",", "and", "or") and c.i - 2 in ctx.ends
        after = c.j + 1 < len(toks) and toks[c.j].low in LIST_JOINERS and c.j + 1 in ctx.starts
        return before or after

    def _lost_possessives(self, toks: list[_Tok]) -> dict[int, int]:
        """Tokens like "Aleppos", "Idlibs": a governorate's possessive that lost its apostrophe."""
        out = {}
        index = self.gaz.index[0]
        for k, t in enumerate(toks):
            if not (t.cap and len(t.text) >= 5 and t.text.endswith("s")):
                continue
            x = self._poss_cache.get(t.text)
            if x is None:
                x = -1
                for i in index.get(translit.place_key(t.text[:-1]), ()):
                    if self.gaz.places[i].kind == "admin1":
                        x = i
                        break
                self._poss_cache[t.text] = x
            if x >= 0:
                out[k] = x
        return out

    def _gazetteer_bounds(self, ctx: _Ctx, cands: list[_Cand]) -> None:
        """Where plausible gazetteer matches start and end, and which words they cover."""
        toks = ctx.toks
        n = len(toks)
        ctx.gz_start, ctx.gz_end = [False] * n, [False] * n
        ctx.gz_cov = cov = [False] * n
        for c in cands:
            if c.level == 2 and c.n_words < 2:
                continue
            content = [k for k in range(c.i, c.j) if toks[k].piece]
            if not content or not all(toks[k].cap for k in content):
                continue
            if c.n_words == 1:
                t = toks[content[0]]
                if (
                    t.low in STOP_WORDS
                    or t.low in NOT_PLACE_WORDS
                    or len(t.piece) < 3
                    or t.text in ctx.lower_words
                    or t.text[:1].isdigit()
                ):
                    continue
            ctx.gz_start[c.i] = ctx.gz_start[content[0]] = True
            ctx.gz_end[c.j - 1] = True
            for k in content:
                cov[k] = True

    def _find_runs(self, ctx: _Ctx) -> None:
        """Runs of capitalised names joined by articles, hyphens and list words, and what precedes them.

        FA-KES copies lost their commas: "the towns of Mesraba Harasta and Eastern Ghouta" is a list
        of three places, "Ahmad Sarmin Khalil" one man. A run after a place cue, or made only of
        gazetteer names, may be cut into its gazetteer names.
        """
        toks = ctx.toks
        n = len(toks)
        ctx.run_of = [-1] * n
        k = 0
        while k < n:
            w = _word_ahead(toks, k)
            if w < 0:
                k += 1
                continue
            start, sent = k, toks[k].sent
            e, joined, last = w + 1, False, w
            # The parser cuts long lists that lost their commas into "sentences": a list that a
            # settlement noun opens goes on across such a cut (not across punctuation).
            listing = self._run_cue(toks, start, True) == "settlement"
            while e < n:
                t = toks[e]
                if t.sent != sent:
                    if not (listing and _run_word(toks[e - 1]) and _word_ahead(toks, e) >= 0):
                        break
                    sent = t.sent
                if _run_word(t) or (t.cap and ctx.gz_start[e]):  # "Akhtarin Turkmen Bari": a people's word begins a name
                    last, e = e, e + 1
                elif t.text[:1].isdigit() and last == e - 1:
                    e += 1  # "Mazzeh 86"
                elif (t.article or t.text == "-") and _word_ahead(toks, e) > 0:
                    e = _word_ahead(toks, e)
                elif t.low in LIST_JOINERS and e + 1 < n and (toks[e + 1].sent == sent or listing) \
                        and _word_ahead(toks, e + 1) > 0:
                    joined, e = True, _word_ahead(toks, e + 1)
                else:
                    break
            rid = len(ctx.runs)
            ctx.runs.append((start, e))
            cue = self._run_cue(toks, start, joined)
            if cue is None and e < n and toks[e].low in SETTLEMENT_WORDS and toks[e].text.islower():
                # "al-Aziziyeh al-Sayyed Ali and Zaharaa neighborhoods"
                cue = "settlement" if toks[e].low in PLURAL_SETTLEMENTS else "cue"
            ctx.run_cue.append(cue)
            ctx.run_joined.append(joined)
            ctx.run_covered.append(
                all(ctx.gz_cov[q] for q in range(start, e) if _run_word(toks[q]))
            )
            for q in range(start, e):
                ctx.run_of[q] = rid
            k = e

    @staticmethod
    def _run_cue(toks: list[_Tok], start: int, joined: bool) -> str | None:
        """What introduces a run of names: "settlement" (the towns of, villages including), "cue" (in, near ...)."""
        p = start - 1
        sent = toks[start].sent
        while p >= 0 and toks[p].low == "the":
            p -= 1
        if p < 0 or toks[p].sent != sent:
            return None
        w = toks[p].low
        if w in PLURAL_SETTLEMENTS:
            # "two villages Foua and Kafarya", not "rebel districts Abdel Rahman said"
            return "settlement" if joined else None
        if w == "of":
            h = toks[p - 1].low if p >= 1 else ""
            if h in PLURAL_SETTLEMENTS:
                return "settlement"
            return "cue" if h in OF_HEADS else None
        if w in LIST_CUES or (w == "as" and p >= 1 and toks[p - 1].low == "such"):
            window = toks[max(0, p - 5) : p]
            if any(t.low in PLURAL_SETTLEMENTS and t.sent == sent for t in window):
                return "settlement"
            return None
        if w in CUE_BEFORE:
            return "cue"
        if w in ("-", "–", "—", ":"):
            window = toks[max(0, p - 10) : p]
            if any(t.low in PLURAL_SETTLEMENTS and t.sent == sent for t in window):
                return "settlement"  # "three villages south of Aleppo - Zeitan Khalsa and Barna -"
        return None

    def _facility_phrases(self, ctx: _Ctx) -> list[tuple[int, int, int, str, bool]]:
        """(first modifier, head, end, class, numbered) for each facility word: "military airport", "Division 17"."""
        toks = ctx.toks
        n = len(toks)
        ctx.fac_tok = [False] * n
        out = []
        for k, t in enumerate(toks):
            low = t.low
            if low in ("city", "town", "quarter") and k >= 1 and toks[k - 1].low == "old" and toks[k - 1].sent == t.sent:
                out.append((k - 1, k, k + 1, "old city", False))
            elif low in NUMBERED_FACILITIES and k + 1 < n and toks[k + 1].text.isdigit() and toks[k + 1].sent == t.sent:
                out.append((k, k, k + 2, "base", True))
            elif low in FACILITY_HEADS and not (t.cap and t.sent in ctx.title_sents):
                cls = FACILITY_HEADS[low]
                m = k
                while m >= 1 and toks[m - 1].low in FACILITY_MODIFIERS and toks[m - 1].sent == t.sent:
                    m -= 1
                if cls == "base" and k >= 1 and toks[k - 1].low == "air":
                    cls = "airbase"
                out.append((m, k, k + 1, cls, False))
        for m, k, _e, cls, _num in out:
            for q in range(m, k + 1):
                ctx.fac_tok[q] = True
            ctx.fac_start[m] = cls
        return out

    @staticmethod
    def _title_case_sentences(toks: list[_Tok]) -> set[int]:
        """Sentences in Title Case (headlines), where capitalised neighbours say nothing about names."""
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for t in toks:
            if t.text[:1].isalpha() and t.low not in STOP_WORDS:
                counts[t.sent][0] += 1
                counts[t.sent][1] += t.text[:1].isupper()
        return {s for s, (n, up) in counts.items() if n >= 4 and up / n > 0.7}

    def _hint(self, ctx: _Ctx, i: int, j: int) -> str | None:
        """The governorate the text ties tokens i..j to: possessive, then after, then before."""
        toks, admin_spans = ctx.toks, ctx.admin_spans
        if i - 1 in ctx.poss_admin:  # "Aleppos Kadi Askar"
            return self.gaz.places[ctx.poss_admin[i - 1]].admin1
        sent = toks[i].sent
        before = [a for a in admin_spans if a[3] == sent and a[1] <= i]
        # "Hasakeh city and Aleppo": the next item of a list is no governorate around this place
        after = [
            a for a in admin_spans
            if a[3] == sent and a[0] >= j and not (
                a[0] >= 1 and toks[a[0] - 1].low in ("and", "or") and all(t.low in KIND_WORDS for t in toks[j : a[0] - 1])
            )
        ]
        for a in before:  # "Idlib's Sarmin", "Aleppo's Atarib village"
            if a[1] < len(toks) and toks[a[1]].low in ("'s", "’s") and a[1] + 1 == i:
                return a[2]
        if after:
            return min(after, key=lambda a: a[0])[2]
        if before:
            return max(before, key=lambda a: a[1])[2]
        return None

    # ---- evidence ------------------------------------------------------------------------------

    @staticmethod
    def _cue_before(toks: list[_Tok], i: int) -> bool:
        """A word before token i that takes a place: "in", "shelled", "the town of"."""
        if i >= 2 and toks[i - 1].low in ("both", "either"):
            i -= 1  # "shelled both X and Y", "in either X or Y"
        prev1 = toks[i - 1].low if i >= 1 else ""
        return prev1 in CUE_BEFORE or (prev1 == "of" and i >= 2 and toks[i - 2].low in OF_HEADS)

    def _evidence(
        self, ctx: _Ctx, c: _Cand, hint: str | None, places: list[Place], ner: bool = True
    ) -> str | None:
        """Why this name is a place (a PlaceMention.evidence value), or None."""
        toks = ctx.toks
        i, j = c.i, c.j
        prev1 = toks[i - 1].low if i >= 1 else ""
        if self._cue_before(toks, i):
            return "cue"
        if i >= 2 and prev1 in ("'s", "’s") and toks[i - 2].cap:  # "Idlib's Bara"
            return "cue"
        if i >= 1 and toks[i - 1].cap and prev1.endswith("s") and self._big_place_word(toks[i - 1].text[:-1]):
            return "cue"  # "Syrias Aleppo", "Idlibs Saraqeb": a possessive that lost its apostrophe
        if prev1 in (",", "and", "or") and (
            i - 2 in ctx.ends or (prev1 == "and" and i >= 3 and toks[i - 2].text == "," and i - 3 in ctx.ends)
        ):
            return "list"  # a list of places: "in A, B and C"
        if j < len(toks) and toks[j].low in CUE_AFTER:
            return "cue"
        if _attacked_after(toks, j):  # "X was shelled", "X came under fire": only places are
            return "cue"
        nxt = [t.low for t in toks[j : j + 4]]
        if nxt[:1] == [","] and len(nxt) > 2 and nxt[1] in ("a", "an", "the") and (
            nxt[2] in CUE_AFTER or (len(nxt) > 3 and nxt[3] in CUE_AFTER)
        ):
            return "cue"  # an appositive says what it is: "X, a (small) town ..."
        if ner and ctx.ent_label.get(i) in UNRESOLVED_LABELS:
            return "ner"
        if ctx.fac_start.get(j) in ANCHORED_FACILITIES:
            return "facility"  # "Shayrat airfield", "Atmeh refugee camp": named after the town
        # In a run of names after a place cue: "the towns of Mesraba Harasta and Eastern Ghouta".
        if self._in_list(ctx, i) and ctx.runs[ctx.run_of[i]][0] < i:
            return "list"
        if j < len(toks) and toks[j].low in LIST_JOINERS and j + 1 in ctx.starts:
            return "list"  # "Bashkuwi and Sifat" where Sifat is a place
        # The governorate the sentence names is this place's: "Kadi Askar in Aleppo".
        if hint and c.n_words >= 2 and any(p.admin1 == hint for p in places):
            return "governorate"
        if i >= 3 and prev1 in CONTROL_WORDS and toks[i - 2].text == "-":
            return "cue"  # "rebel-held X", "regime-controlled X": only places are held
        if c.n_words >= 2 and self._cand_text(ctx, c) in ctx.known:
            return "discourse"
        return None

    @staticmethod
    def _after_article(toks: list[_Tok], k: int) -> bool:
        """The word at k (or the article at k - 1) follows an article: "al-Imam", "al- Aziziyeh"."""
        q = k - 1
        while q >= 0 and toks[q].text == "-":
            q -= 1
        return q >= 0 and toks[q].article

    @staticmethod
    def _in_list(ctx: _Ctx, i: int) -> bool:
        """Token i is in a run of names that a place cue opens and list words join (or a settlement noun opens)."""
        r = ctx.run_of[i]
        return r >= 0 and (ctx.run_cue[r] == "settlement" or (ctx.run_cue[r] is not None and ctx.run_joined[r]))

    # ---- gazetteer matches ---------------------------------------------------------------------

    def _neighbour_part_of_name(self, ctx: _Ctx, c: _Cand, k: int, left: bool) -> str | None:
        """Does the capitalised word k next to match c make it part of a longer name?

        None: no. "gazetteer": it is itself a place of a list ("Teldo Tel Dahab"). "unknown": an
        unknown word in a list of settlements ("the villages of al-Qaderiyeh Bibkar"). "name": yes.
        """
        toks = ctx.toks
        t = toks[k]
        if not (
            t.sent == toks[c.i].sent
            and t.cap
            and t.piece
            and not t.text[:1].isdigit()
            and t.low not in STOP_WORDS
            and t.low not in NEIGHBOUR_OK
            and t.low not in NOT_PLACE_WORDS
        ):
            return None
        if left and self._sentence_start(toks, k):
            return None
        if not left and self._big_place_word(t.text):
            return None
        if left and self._big_place_word_exact(t.text):
            return None  # "Idlib Khan Sheikhun": a governorate or country before is a place of its own
        if left and t.text.endswith("s") and self._big_place_word(t.text[:-1]):
            return None
        if t.num or ctx.ent_label.get(k) in NEIGHBOUR_OK_LABELS or (not left and ctx.fac_tok[k]):
            return None  # "Khan Sheikhun Fifty ...", "the Palestinian Yarmuk camp", "Qamishli National Hospital"
        if left and t.low in NAME_PREFIXES:
            return "name"  # "Bustan al-Qasr": the first word of this name
        r = ctx.run_of[c.i]
        if r < 0 or r != ctx.run_of[k]:
            return "name"
        # An article or a suffix goes on with the name before it ("Urum al-Kubra", "Habreh al-Sharqi",
        # "Taibet al-Imam"); in a list, a second article form starts the next name ("Tibet al-Imam
        # al-Masasneh al-Lahaya"), as in `_split_names`.
        listed = self._in_list(ctx, c.i)
        first = next((toks[q] for q in range(c.i, c.j) if toks[q].piece), toks[c.i])
        if left:
            article_between = any(toks[q].article for q in range(k + 1, c.i + 1))
            if first.piece.split(" ")[0] in NAME_SUFFIXES or (
                article_between and not ctx.gz_end[k] and not (listed and self._after_article(toks, k))
            ):
                return "name"
        else:
            article_between = any(toks[q].article for q in range(c.j, k))
            if t.piece.split(" ")[0] in NAME_SUFFIXES or (
                article_between and not ctx.gz_start[k] and not (listed and (toks[c.i].article or self._after_article(toks, c.i)))
            ):
                return "name"
        if ctx.run_cue[r] == "settlement" or (ctx.run_joined[r] and (ctx.run_cue[r] or ctx.run_covered[r])):
            bound = ctx.gz_end[k] if left else any(ctx.gz_start[q] for q in range(c.j, k + 1))
            if bound:
                return "gazetteer"
            if ctx.run_cue[r] == "settlement" or (listed and article_between):
                return "unknown"  # "in Tibet al-Imam al-Masasneh ... and Kafr Zita": an article starts a name
        return "name"

    def _resolve(self, ctx: _Ctx, c: _Cand) -> PlaceMention | None:
        """The mention gazetteer match c makes, or None: each step below may veto it or narrow its places."""
        content = [t for t in ctx.toks[c.i : c.j] if t.piece]
        places = self._candidate_places(ctx, c, all(t.cap for t in content))
        if not places:
            return None
        hint = self._hint(ctx, c.i, c.j)
        confidence, evidence = "high", None
        if self._labelled_not_place(ctx, c, places):
            evidence = self._evidence(ctx, c, hint, places, ner=False)
            if evidence is None:
                return None
            if evidence in ("list", "governorate"):
                confidence = "low"  # a person's or organisation's name by the NER, a place by its company
            if evidence == "discourse":
                confidence = "medium"  # the article placed the same name elsewhere
        if self._not_a_name(ctx, c, content, places) or self._names_something_else(ctx, c, content, places):
            return None
        confidence = self._neighbour_confidence(ctx, c, places, confidence)
        if confidence is None:
            return None
        places = self._named_kind(ctx, c, places)
        kind = places[0].kind
        needs_evidence = c.level == 2 or (c.n_words == 1 and (kind in SMALL_KINDS or c.level == 1))
        if needs_evidence:
            evidence = self._evidence(ctx, c, hint, places)
            if evidence is None:
                return None
            if evidence in ("list", "governorate", "discourse"):
                confidence = _weaker(confidence, "medium")
        if c.level == 2:
            places = self._skeleton_places(content, places, kind, hint)
            if not places:
                return None
            confidence = _weaker(confidence, "medium")
        if hint and kind not in ADMIN_KINDS:
            places, ceiling = self._in_hinted_governorate(ctx, c, places, hint, needs_evidence or c.level > 0)
            if not places:
                return None
            confidence = _weaker(confidence, ceiling)
        if len(places) > 1 and not hint and c.level < 2:  # a spread skeleton match stays vetoed below
            places = self._in_document_governorate(ctx, c, places)
        places = self._same_name_tie_break(c, places)
        if not places:
            return None
        if len(places) == 1 and self._capital_countryside(ctx, c, places[0]):
            places = [self._rural_capital]
        return self._gazetteer_mention(ctx, c, places, kind, hint, confidence, evidence)

    @staticmethod
    def _in_document_governorate(ctx: _Ctx, c: _Cand, places: list[Place]) -> list[Place]:
        """A name several governorates share, with none named in its sentence: the one the article named
        last before it (else first after it), as a reader takes "al-Ashrafiyeh" in a report from Aleppo."""
        last = _last_governorate_span(ctx, c.i)
        spans = [last] if last else sorted(ctx.admin_spans)[:1]
        for a in spans:
            kept = _in_governorate(places, a[2])
            if kept:
                return kept
        return places

    def _candidate_places(self, ctx: _Ctx, c: _Cand, all_cap: bool) -> list[Place]:
        """The gazetteer rows match c may name, as far as its spelling and the kind word after it tell."""
        gaz, toks = self.gaz, ctx.toks
        places = [gaz.places[x] for x in c.idxs]
        if not all_cap:
            places = [p for p in places if p.kind in CURATED_KINDS]
        if c.level > 0:
            # foreign names need their exact spelling ("Leys" is no Laos, "Mallah" no Mali)
            places = [p for p in places if not (p.kind == "country" or p.location_id.startswith("abroad:"))]
        if not places:
            return []
        if c.n_words == 1 and c.i in ctx.poss_admin:
            # "Aleppos": the governorate's possessive, not a village spelt like it
            places = [gaz.places[ctx.poss_admin[c.i]]]
        curated = [p for p in places if p.kind in CURATED_KINDS and p.kind != "region"]
        named_kind = KIND_WORDS.get(toks[c.j].low if c.j < len(toks) else "", ())
        village_of = c.i >= 2 and toks[c.i - 1].low == "of" and toks[c.i - 2].low in ("village", "town", "city")
        if curated and named_kind and not {p.kind for p in places} & set(named_kind):
            return []  # "the <crossing> highway": a road named after a crossing, not the crossing
        if curated and not village_of and not (named_kind and not set(named_kind) & CURATED_KINDS):
            # A name on the curated list of crossings and roads means the crossing or the road
            # (the kind ranking below picks it anyway), even where villages share the name and the
            # NER calls it a person: "aid entered through Bab al-Hawa"
            places = curated
        return places

    @staticmethod
    def _labelled_not_place(ctx: _Ctx, c: _Cand, places: list[Place]) -> bool:
        """The NER calls a village-level match a person or an organisation, so it needs evidence."""
        # The small English model calls many Arabic place names PERSON or ORG ("Aleppo", "Maarat
        # al-Numan"): such a label vetoes a village only when nothing else says it is a place.
        labels = {ctx.ent_label.get(k) for k in range(c.i, c.j)}
        strict = not all(p.kind in CURATED_KINDS or p.kind in ("admin1", "country") for p in places)
        return bool(strict and labels & NOT_PLACE_LABELS)

    @staticmethod
    def _not_a_name(ctx: _Ctx, c: _Cand, content: list[_Tok], places: list[Place]) -> bool:
        """The words themselves are no place name: stop words, generic words, English words, acronyms."""
        if c.n_words > 1 and (content[0].low in STOP_WORDS or content[-1].low in STOP_WORDS):
            return True  # "Aleppo In the same context": a name does not end on "In"
        if c.n_words != 1:
            return False
        word = content[0]
        if word.low in STOP_WORDS or word.low in NOT_PLACE_WORDS or len(word.piece) < 3 or word.low in GENERIC_WORDS:
            return True  # "Southern Syria", "From Areas in Raqqa": a generic word, capitalised
        if word.low in ctx.lower_words and places[0].kind in SMALL_KINDS:
            return True  # the document writes it in lower case too: an English word ("Use", "Hail")
        # acronyms (UN, SDF, HTS, SANA)
        return word.text.isupper() and len(word.text) < 5 and (
            places[0].kind not in CURATED_KINDS or (word.text.isalpha() and places[0].kind == "region")
        )

    def _names_something_else(self, ctx: _Ctx, c: _Cand, content: list[_Tok], places: list[Place]) -> bool:
        """The words around say the name is another thing's: a longer name's first word, a party, a man."""
        toks = ctx.toks
        next_low = toks[c.j].low if c.j < len(toks) else ""
        nxt = c.j
        while nxt < len(toks) and (toks[nxt].article or toks[nxt].text == "-"):
            nxt += 1
        if c.n_words == 1 and content[0].low in NAME_PREFIXES and toks[c.i].piece and nxt < len(toks) \
                and toks[nxt].cap and toks[nxt].sent == toks[c.i].sent:
            return True  # "Kafr Halab", "Bustan al-Qasr": the first word of a longer name the gazetteer lacks
        if c.n_words == 1 and next_low in ACTOR_NOUNS and places[0].kind in SMALL_KINDS and not (
            next_low in SPEECH_WORDS and self._in_list(ctx, c.i)
        ):
            return True  # "the Assad regime", "Jolani forces": a name used for a party, not a place
        # "Omar ibn al-Khattab": a man's name (and the mosque or street named after him)
        return next_low in SON_OF or (c.i >= 1 and toks[c.i - 1].low in SON_OF)

    def _neighbour_confidence(self, ctx: _Ctx, c: _Cand, places: list[Place], confidence: str) -> str | None:
        """The confidence left once the capitalised words either side are read; None if they extend the name."""
        toks = ctx.toks
        # A capitalised word right before or after makes this part of a longer name, unless it is
        # a place of the same list itself ("Teldo Tel Dahab", lists that lost their commas).
        if toks[c.i].sent in ctx.title_sents or all(p.kind in CURATED_KINDS for p in places):
            return confidence
        left = c.i - 1
        while left >= 0 and (_name_article(toks, left) or toks[left].text == "-"):
            left -= 1
        right = c.j
        while right < len(toks) and (_name_article(toks, right) or toks[right].text == "-"):
            right += 1
        for k, is_left in ((left, True), (right, False)):
            if 0 <= k < len(toks):
                verdict = self._neighbour_part_of_name(ctx, c, k, is_left)
                if verdict == "name":
                    return None
                if verdict == "gazetteer":
                    confidence = _weaker(confidence, "medium")
                elif verdict == "unknown":
                    confidence = "low"
        return confidence

    def _named_kind(self, ctx: _Ctx, c: _Cand, places: list[Place]) -> list[Place]:
        """The places of the kind the text names ("Idlib province"), else of the most specific kind news means."""
        gaz, toks = self.gaz, ctx.toks
        wanted = KIND_WORDS.get(toks[c.j].low if c.j < len(toks) else "")
        narrowed = [p for p in places if p.kind in wanted] if wanted else []
        if not wanted and c.i >= 2 and toks[c.i - 1].low == "of" and toks[c.i - 2].low in QUARTER_WORDS:
            # "the neighbourhood(s) of X": a city quarter, spelt exactly like a village elsewhere or not
            narrowed = self._story_quarters(ctx, c, [p for p in places if p.kind == "neighbourhood"]
                                            + [gaz.places[x] for x in c.quarters])
        if narrowed:
            places = narrowed
        else:  # a district named for its town means the town: "Khan Shaykhun"
            places = [gaz.places[gaz.seats[p.location_id]] if p.location_id in gaz.seats else p for p in places]
        best_rank = min(KIND_RANK[p.kind] for p in places)
        best = [p for p in places if KIND_RANK[p.kind] == best_rank]
        if not narrowed:  # "the Hamdaniyeh district" of a city has no district of that name
            quarters = self._quarters_of_the_story(ctx, c, places, best)
            if quarters:
                return quarters
        return best

    def _story_quarters(self, ctx: _Ctx, c: _Cand, quarters: list[Place]) -> list[Place]:
        """Of several cities' quarters of one name, those of the governorate the story is in, if any."""
        if len(quarters) <= 1:
            return quarters
        governorate = self._story_governorate(ctx, c)
        return (_in_governorate(quarters, governorate) if governorate else []) or quarters

    def _story_governorate(self, ctx: _Ctx, c: _Cand) -> str | None:
        """The governorate the candidate's sentence ties it to, else the one the article named last before it."""
        governorate = self._hint(ctx, c.i, c.j)
        if governorate is None:
            last = _last_governorate_span(ctx, c.i)
            governorate = last[2] if last else None
        return governorate

    def _quarters_of_the_story(self, ctx: _Ctx, c: _Cand, places: list[Place], best: list[Place]) -> list[Place]:
        """'Hanano area', 'al-Ashrafiyeh' in a report from Aleppo: a name that is a neighbourhood of the
        city the story is in (the governorate the sentence, else the article just before, names) and a
        village elsewhere is the neighbourhood, as a reader of that report takes it."""
        quarters = [p for p in places if p.kind == "neighbourhood"] + [self.gaz.places[x] for x in c.quarters]
        if not quarters or quarters == best:
            return []
        governorate = self._story_governorate(ctx, c)
        if governorate is None or _in_governorate(best, governorate):
            return []
        return _in_governorate(quarters, governorate)

    def _skeleton_places(self, content: list[_Tok], places: list[Place], kind: str, hint: str | None) -> list[Place]:
        """A skeleton match keeps its first letter and means a village or town, or a neighbourhood of the hint."""
        if not self._same_start(content, places):
            return []
        if kind == "neighbourhood":
            return [p for p in places if hint and p.admin1 == hint]
        return places if kind in ("community", "admin3", "admin2") else []

    def _in_hinted_governorate(
        self, ctx: _Ctx, c: _Cand, places: list[Place], hint: str, doubtful: bool
    ) -> tuple[list[Place], str]:
        """The same-named places in the governorate the text gives, and the confidence they allow."""
        in_hint = _in_governorate(places, hint)
        if in_hint:
            return in_hint, "high"
        if not doubtful:
            return places, "high"
        # The text puts it in another governorate: only a place next to one the sentence
        # names for sure survives (reporters draw governorate lines loosely).
        sent = ctx.toks[c.i].sent
        anchors = [
            m for m in ctx.chosen
            if m is not None and m.latitude is not None and m.kind in SMALL_KINDS
            and self._sent_at(ctx.toks, m.start_char) == sent
        ]
        near = self._near(places, anchors)
        if near:
            return near, "high"
        # A town stays itself even where the sentence names another governorate
        # ("out of Aleppo city and areas around Damascus"); a village does not.
        return ([p for p in places if p.is_town] if c.level < 2 else []), "low"

    @staticmethod
    def _same_name_tie_break(c: _Cand, places: list[Place]) -> list[Place]:
        """Towns over villages, then northwest Syria; [] when a skeleton match is still spread elsewhere."""
        if len(places) > 1 and c.level < 2:
            # A town (GeoNames town or sub-district seat) beats villages of the same name: "Douma".
            towns = [p for p in places if p.is_town]
            if towns:
                places = towns
        if len(places) > 1:
            northwest = [p for p in places if p.admin1_pcode in NORTHWEST]
            if northwest:
                return northwest
            if c.level == 2:
                return []
        return places

    def _gazetteer_mention(
        self, ctx: _Ctx, c: _Cand, places: list[Place], kind: str, hint: str | None, confidence: str,
        evidence: str | None,
    ) -> PlaceMention:
        """The mention of the places left: resolved when they share one governorate, else ambiguous."""
        toks = ctx.toks
        start, end = toks[c.i].start, toks[c.j - 1].end
        precision = self._precision(toks, c, kind)
        if kind in ADMIN_KINDS or kind == "road":
            hint = None  # a governorate, region or road is not "in" the governorate named nearby
        if evidence is None:  # it needed none: say what there is anyway, for the event coder
            evidence = self._evidence(ctx, c, hint, places) or "name"
        if len({p.admin1 for p in places}) > 1:
            # spread over two governorates: documented as ambiguous, never a guess
            return PlaceMention(
                start, end, ctx.text[start:end], kind, admin1_hint=hint, geo_precision=precision,
                confidence=confidence, evidence=evidence,
            )
        place = min(places, key=lambda p: p.location_id)  # the lowest P-code: deterministic
        return PlaceMention(
            start, end, ctx.text[start:end], place.kind, place.location_id, place.name, place.admin1, place.admin2,
            hint, place.latitude, place.longitude, precision, confidence=confidence, evidence=evidence,
        )

    # ---- the capital ---------------------------------------------------------------------------

    CAPITAL_ID = "SY01"  # Damascus
    RURAL_CAPITAL_ID = "SY03"  # Rural Damascus: the governorate around it

    def _the_capital(self, ctx: _Ctx, taken: list[bool], chosen: list[PlaceMention]) -> list[PlaceMention]:
        """'on the outskirts of the capital', 'the Syrian capital': Damascus, in a report on Syria - not
        'the capital Damascus' (the name follows and is taken), 'the capital of Kazakhstan', 'the
        provincial capital'."""
        toks, out, capital = ctx.toks, [], self._capital
        if capital is None:
            return out
        for k, t in enumerate(toks):
            if t.low != "capital" or taken[k]:
                continue
            q = k - 1
            if q >= 0 and toks[q].low == "syrian":
                q -= 1
            if q < 0 or toks[q].low != "the" or toks[q].sent != t.sent:
                continue
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and nxt.sent == t.sent and (nxt.low == "of" or nxt.cap):
                continue  # "the capital of X", "the capital Damascus" (the name is its own mention)
            start, end = toks[q].start, t.end
            if any(m.start_char < end and start < m.end_char for m in chosen):
                continue
            out.append(PlaceMention(start, end, ctx.text[start:end], capital.kind, capital.location_id, capital.name,
                                    capital.admin1, capital.admin2, None, capital.latitude, capital.longitude, 1,
                                    confidence="medium", evidence="capital"))
        return out

    # ---- facilities and landmarks --------------------------------------------------------------

    def _town_named(self, m: PlaceMention) -> Place | None:
        """The town of a governorate's name ("Aleppo international airport" is at Aleppo city)."""
        for x in self.gaz.index[0].get(translit.place_key(m.text), ()):
            p = self.gaz.places[x]
            if p.kind == "community" and p.admin1 == m.admin1 and p.is_town:
                return p
        return None

    def _facilities(self, ctx: _Ctx, phrases: list[tuple[int, int, int, str, bool]], taken: list[bool]) -> None:
        """Facilities and landmarks: "Nairab military airport", "Castello road", "Division 17", "the citadel"."""
        by_end = {sp[1] - 1: idx for idx, sp in enumerate(ctx.spans)}  # last token of a chosen span -> its index
        for m, k, e, cls, numbered in phrases:
            if any(taken[m:e]):
                continue  # "Bab al-Hawa crossing": a gazetteer name holds the word already
            idx = self._place_before(ctx, m, cls, taken, by_end)
            if idx is not None and not numbered:
                self._attach_facility(ctx, idx, m, k, e, cls, taken, by_end)
                continue
            a = m
            if not numbered:
                a = self._facility_name_start(ctx, m, k, cls, taken, by_end)
                a = self._known_places_before(ctx, a, m, taken)
            a = self._facility_start(ctx, a, m, k, cls, numbered)
            if a is None:
                continue
            start, end = ctx.toks[a].start, ctx.toks[e - 1].end
            ctx.chosen.append(PlaceMention(
                start, end, ctx.text[start:end], "unresolved", admin1_hint=self._hint(ctx, a, e),
                # "Division 30" may be the unit, not its base
                confidence="low" if numbered and ctx.toks[k].low != "base" else "medium",
                evidence="facility", facility=cls,
            ))
            ctx.spans.append((a, e, 0))
            by_end[e - 1] = len(ctx.chosen) - 1
            for q in range(a, e):
                taken[q] = True

    @staticmethod
    def _place_before(ctx: _Ctx, m: int, cls: str, taken: list[bool], by_end: dict[int, int]) -> int | None:
        """The chosen place that ends right before the facility phrase at m (its index), if any."""
        p = m - 1
        idx = by_end.get(p) if p >= 0 and taken[p] and p not in ctx.poss_admin else None
        if idx is not None and cls == "road" and ctx.spans[idx][0] >= 1:
            h = ctx.toks[ctx.spans[idx][0] - 1]
            if h.text == "-" and not h.barrier:
                return None  # "the Hasaka-Qamishli road": a road between two places, not at one
        return idx

    def _attach_facility(
        self, ctx: _Ctx, idx: int, m: int, k: int, e: int, cls: str, taken: list[bool], by_end: dict[int, int]
    ) -> None:
        """The chosen place idx takes the facility phrase m..e after it ("Nairab military airport")."""
        anchor = ctx.chosen[idx]
        if anchor is None or anchor.facility:
            return
        new = self._anchored_facility(ctx, anchor, ctx.spans[idx], k, e, cls)
        if new is None:
            return
        ai, _aj, level = ctx.spans[idx]
        ctx.chosen[idx] = new
        ctx.spans[idx] = (ai, e, level)
        by_end.pop(m - 1, None)
        by_end[e - 1] = idx
        for q in range(ai, e):
            taken[q] = True

    def _facility_name_start(
        self, ctx: _Ctx, m: int, k: int, cls: str, taken: list[bool], by_end: dict[int, int]
    ) -> int:
        """Where the name before the facility phrase at m starts: up to five words back, in its sentence.

        A road's name takes the place names it joins ("the Aleppo-Gaziantep highway"): their
        mentions are dropped (set to None) on the way.
        """
        toks = ctx.toks
        p, sent = m - 1, toks[k].sent
        q, words = p, 0
        while q >= 0 and toks[q].sent == sent and words < 5:
            t = toks[q]
            if taken[q]:
                j2 = by_end.get(q)
                if not (
                    cls == "road"
                    and j2 is not None
                    and ctx.chosen[j2] is not None
                    and (q == p or (toks[q + 1].text == "-" and not toks[q + 1].barrier))
                ):
                    break
                ctx.chosen[j2] = None  # the road's name absorbs the place names it joins
                by_end.pop(q, None)
                q = ctx.spans[j2][0] - 1
                words += 1
                continue
            hyphen_after = toks[q + 1].text == "-" and not toks[q + 1].barrier
            if _run_word(t) and not t.num and not (
                self._big_place_word(t.text) and not (cls == "road" and hyphen_after)
            ):
                words += 1
            elif not (
                (t.article and (t.low in translit.SAFE_ARTICLES or t.cap or toks[q + 1].text == "-"))
                or (t.text == "-" and not t.barrier)
                or (t.low in NAME_JOINERS and q >= 1 and toks[q - 1].cap)
            ):
                break
            q -= 1
        a = q + 1
        while a < m and (toks[a].text == "-" or toks[a].text in NAME_JOINERS):
            a += 1
        return a

    def _known_places_before(self, ctx: _Ctx, a: int, m: int, taken: list[bool]) -> int:
        """Known places at the front of a facility's name become mentions of their own; where the name starts then."""
        toks = ctx.toks
        parts = self._split_names(toks, a, m) if a < m else []
        for n_part, (ps, pe) in enumerate(parts[:-1]):
            words_in = [q for q in range(ps, pe) if toks[q].piece and not toks[q].article]
            if len(words_in) >= 2 and all(ctx.gz_cov[q] for q in words_in):
                # "Bab al-Faraj al-Neel street": a known place, then the street
                start, end = toks[a].start, toks[pe - 1].end
                ctx.chosen.append(PlaceMention(
                    start, end, ctx.text[start:end], "unresolved",
                    admin1_hint=self._hint(ctx, a, pe), confidence="medium", evidence="list",
                ))
                ctx.spans.append((a, pe, 0))
                for q in range(a, pe):
                    taken[q] = True
                a = parts[n_part + 1][0]
        return a

    @staticmethod
    def _facility_start(ctx: _Ctx, a: int, m: int, k: int, cls: str, numbered: bool) -> int | None:
        """The first token of the facility's mention; None when its name is an owner's or a landmark lacks one."""
        toks = ctx.toks
        name = [t for t in toks[a:m] if t.piece and not t.article]
        if name:
            if any(t.low in ORG_WORDS for t in name) or (
                len(name) == 1 and name[0].text.isupper() and name[0].text.isalpha() and len(name[0].text) <= 3
            ):
                return None  # "the Islamic State base", "a US base": whose, not where
            return a
        if numbered:
            return k  # "Division 17", "base 17"
        if cls not in LANDMARKS and toks[k].low not in LANDMARKS:
            return None
        b = m - 1
        while b >= 0 and toks[b].low in LANDMARK_ADJECTIVES:
            b -= 1
        if not (b >= 0 and (toks[b].low in LANDMARK_DETERMINERS or b in ctx.poss_admin)):
            return None  # "the citadel", "Aleppo's old city", not "a citadel"
        return k if cls == "citadel" else m

    def _anchored_facility(
        self, ctx: _Ctx, anchor: PlaceMention, span: tuple[int, int, int], k: int, e: int, cls: str
    ) -> PlaceMention | None:
        """A facility right after a matched place: at that place, or a name that only looks like one."""
        toks = ctx.toks
        ai, _aj, level = span
        start, end = anchor.start_char, toks[e - 1].end
        text = ctx.text[start:end]
        if anchor.kind in ("country", "region", "road", "crossing"):
            return None
        place: Place | None = None
        if anchor.kind == "admin1":
            if cls not in ANCHORED_FACILITIES:
                return None  # "the Damascus road": a road to the city, the city stays the place
            place = self._town_named(anchor)
            if place is None:
                return None
        elif anchor.location_id and (cls in ANCHORED_FACILITIES or level == 0):
            return replace(anchor, end_char=end, text=text, geo_precision=2, facility=cls)
        elif anchor.location_id is None and anchor.kind != "unresolved":
            return replace(anchor, end_char=end, text=text, facility=cls)
        if place is not None:
            return PlaceMention(
                start, end, text, place.kind, place.location_id, place.name, place.admin1, place.admin2,
                None, place.latitude, place.longitude, 2,
                confidence=anchor.confidence, evidence=anchor.evidence, facility=cls,
            )
        # "Umayyad square", "Nisr mountain": a loose match on the name of a square or a mountain
        return PlaceMention(
            start, end, text, "unresolved", admin1_hint=self._hint(ctx, ai, e),
            confidence="medium", evidence="facility", facility=cls,
        )

    def _compass_parts(self, ctx: _Ctx, taken: list[bool]) -> None:
        """"east Aleppo", "eastern Syria", "northwestern Idlib": the part of the place the text means.

        The mention takes the compass word (the place stays the same; a town's precision becomes
        2, "part of the place"): reporters and annotators name "east Aleppo" as the place.
        """
        toks = ctx.toks
        for idx, (i, j, level) in enumerate(ctx.spans):
            m = ctx.chosen[idx]
            if m is None or m.facility or m.kind not in ("admin1", "admin2", "admin3", "community", "country"):
                continue
            k = i - 1
            if k < 0 or taken[k] or toks[k].low not in COMPASS_WORDS or toks[k].sent != toks[i].sent:
                continue
            if k >= 1 and (toks[k - 1].low in ("'s", "’s") or self._possessive_word(toks[k - 1].text)):
                continue  # "Syria's northern Aleppo": where in Syria, not which part of Aleppo
            start = toks[k].start
            ctx.chosen[idx] = replace(
                m, start_char=start, text=ctx.text[start : m.end_char],
                geo_precision=2 if m.kind == "community" else m.geo_precision,
            )
            ctx.spans[idx] = (k, j, level)
            taken[k] = True

    # ---- names the gazetteer lacks -------------------------------------------------------------

    def _unresolved(self, ctx: _Ctx, taken: list[bool]) -> list[PlaceMention]:
        """Place names the gazetteer lacks: NER places, names by a settlement word, "Kafr X" names, lists."""
        lower_words = {w.lower() for w in ctx.lower_words}
        # (first token, end, evidence, split an unknown run into names)
        spans = [
            *self._entity_spans(ctx, lower_words),
            *self._settlement_spans(ctx),
            *self._toponym_spans(ctx, lower_words),
            *self._list_spans(ctx, taken),
        ]
        out = []
        # lists last: their other names are known by then ("in Khan al-Assad and Oram al-Sughra")
        for i, j, evidence, split in sorted(spans, key=lambda s: (s[2] == "list", s[0], -s[1])):
            out.extend(self._unknown_names(ctx, i, j, evidence, split, taken, lower_words))
        return out

    @staticmethod
    def _unresolved_again(ctx: _Ctx, taken: list[bool], found: list[PlaceMention]) -> list[PlaceMention]:
        """One sense per discourse for names the gazetteer lacks: a name the text calls a settlement ("the
        village of X") is that place again where it recurs with no cue ("another six in X")."""
        toks, out = ctx.toks, []
        starts = {t.start: k for k, t in enumerate(toks)}
        for m in found:
            if m.evidence != "settlement" or m.start_char not in starts:
                continue
            a = starts[m.start_char]
            b = next((k + 1 for k in range(a, len(toks)) if toks[k].end >= m.end_char), a + 1)
            words = [t.text for t in toks[a:b]]
            for k in range(len(toks) - len(words) + 1):
                if any(taken[k : k + len(words)]) or [t.text for t in toks[k : k + len(words)]] != words:
                    continue
                if k + len(words) < len(toks) and toks[k + len(words)].cap and not toks[k + len(words)].barrier:
                    continue  # part of a longer name
                for q in range(k, k + len(words)):
                    taken[q] = True
                start, end = toks[k].start, toks[k + len(words) - 1].end
                out.append(replace(m, start_char=start, end_char=end, text=ctx.text[start:end], evidence="discourse",
                                   confidence="medium"))
        return out

    def _entity_spans(self, ctx: _Ctx, lower_words: set[str]) -> list[tuple[int, int, str, bool | None]]:
        """spaCy's GPE/LOC/FAC entities, bar weapons, headline phrases and pieces of a list of names."""
        toks = ctx.toks
        spans: list[tuple[int, int, str, bool | None]] = []
        for ent in ctx.doc.ents:
            if ent.label_ not in UNRESOLVED_LABELS:
                continue
            if ent.end < len(toks) and toks[ent.end].low in WEAPON_NOUNS:
                continue  # "Katyusha rockets", "Grad missiles": a weapon's name
            # an entity made of words the document also writes in lower case is a headline
            # phrase ("... Reports Suicide bombing"), not a place name
            words = [t for t in toks[ent.start : ent.end] if t.piece]
            if any(t.cap and t.text.lower() in lower_words for t in words if t.low not in TOPONYM_HEADS):
                continue
            if self._in_list(ctx, ent.start) and ctx.run_of[ent.end - 1] == ctx.run_of[ent.start]:
                continue  # a piece of a list of names: cut with the list, below
            end = next((q for q in range(ent.start, ent.end) if toks[q].barrier and toks[q].text in TITLE_SEPARATORS),
                       ent.end)  # "... in Syrias Deir el-Zour - Daily Sabah": the title's publication is no place
            if end > ent.start:
                spans.append((ent.start, end, "ner", False))
        return spans

    @staticmethod
    def _settlement_spans(ctx: _Ctx) -> list[tuple[int, int, str, bool | None]]:
        """"the village of X", "the neighbourhoods of X Y and Z", "X village": names next to a settlement word."""
        toks, n = ctx.toks, len(ctx.toks)
        spans: list[tuple[int, int, str, bool | None]] = []
        for k, t in enumerate(toks):
            if t.low not in SETTLEMENT_WORDS or (
                not t.text.islower()
                and (
                    t.sent in ctx.title_sents
                    or any(0 <= q < n and toks[q].text in TITLE_SEPARATORS and toks[q].barrier for q in (k - 1, k + 1))
                )
            ):
                continue  # "... NGO - Region - World", "Evacuees From Besieged Towns": debris and headlines
            split = True if t.low in PLURAL_SETTLEMENTS else None
            if k + 2 < n and toks[k + 1].low == "of" and ctx.run_of[k + 2] >= 0:
                spans.append((k + 2, ctx.runs[ctx.run_of[k + 2]][1], "settlement", split))
            if k >= 1 and ctx.run_of[k - 1] >= 0:
                spans.append((ctx.runs[ctx.run_of[k - 1]][0], k, "settlement", split))
        return spans

    @staticmethod
    def _toponym_spans(ctx: _Ctx, lower_words: set[str]) -> list[tuple[int, int, str, bool | None]]:
        """"Kafr X", "Tal X", "Deir X": the first word says a settlement even if the name is unknown."""
        toks, n = ctx.toks, len(ctx.toks)
        spans: list[tuple[int, int, str, bool | None]] = []
        for k, t in enumerate(toks):
            if not (t.cap and t.piece in TOPONYM_HEADS and k + 1 < n):
                continue
            e = k + 1
            while (
                e < n
                and (_run_word(toks[e]) or toks[e].article or toks[e].text == "-")
                and not toks[e].barrier
                and not toks[e].num
                and (toks[e].low not in lower_words or toks[e].article)
            ):
                e += 1
            if e > k + 1:
                spans.append((k, e, "toponym", False))
        return spans

    def _list_spans(self, ctx: _Ctx, taken: list[bool]) -> list[tuple[int, int, str, bool | None]]:
        """The other names of a list that a place cue opens ("bombed the towns of A B and C", "in A and B")."""
        spans: list[tuple[int, int, str, bool | None]] = []
        for r, (rs, re_) in enumerate(ctx.runs):
            cue = ctx.run_cue[r]
            if cue == "settlement":
                spans.append((rs, re_, "settlement", True))
            elif cue and ctx.run_joined[r]:
                spans.append((rs, re_, "list", None))
            elif not any(taken[rs:re_]) and self._appositive_settlement(ctx.toks, re_):
                spans.append((rs, re_, "settlement", False))  # "Rashidin, a southwestern suburb of the city"
        return spans

    def _unknown_names(
        self, ctx: _Ctx, i: int, j: int, evidence: str, split: bool | None, taken: list[bool], lower_words: set[str]
    ) -> list[PlaceMention]:
        """The mentions of the names in tokens i..j that no gazetteer match took."""
        toks = ctx.toks
        if evidence == "list" and not any(taken[i:j]):
            return []
        i, j = self._trim_name(toks, i, j)
        if i >= j:
            return []
        partial = any(taken[i:j])
        if partial and evidence in ("ner", "toponym"):
            return []  # the gazetteer took part of it: what is left is no name of its own
        pieces = [(i, j)] if evidence in ("ner", "toponym") else self._pieces(toks, i, j, taken, split)
        out = []
        for a, b in pieces:
            content = [t for t in toks[a:b] if t.piece]
            if not self._unknown_name_words(content):
                continue
            big = self._big_place(toks, a, b)
            if big is not None and (partial or evidence != "ner"):
                continue  # what the gazetteer passed over of "Aleppo al-Halk area" is no other place
            if self._stray_piece(ctx, a, b, content, evidence, partial, taken, lower_words):
                continue
            for q in range(a, b):
                taken[q] = True
            out.append(self._unknown_mention(ctx, a, b, big, evidence, bool(split or partial)))
        return out

    def _trim_name(self, toks: list[_Tok], i: int, j: int) -> tuple[int, int]:
        """Tokens i..j without the stop words, punctuation, articles and lost possessives at their edges."""
        while i < j and (toks[i].low in STOP_WORDS or toks[i].barrier) and not toks[i].article:
            i += 1
        while j > i and (toks[j - 1].barrier or toks[j - 1].text == "-" or toks[j - 1].article
                         or toks[j - 1].text in SOURCE_TAGS):
            j -= 1  # "... in Syrias Raqa NGO", "... in rebel town Monitor": a title's source tag
        while i < j and self._possessive_word(toks[i].text):
            i += 1  # "Syrias Hassakeh": a possessive that lost its apostrophe, not part of the name
        return i, j

    @staticmethod
    def _unknown_name_words(content: list[_Tok]) -> bool:
        """The words can make a place name: all capitalised, none a month, a sect or a group's word, not one
        generic word."""
        if not content or not all(t.cap for t in content) or any(t.low in NOT_PLACE_WORDS for t in content):
            return False
        if any(t.low in ORG_WORDS for t in content):
            return False  # "Fateh al-Sham Front", "Faylaq al-Rahman", "Liwaa al-Fath": a group, not a place
        return not (len(content) == 1 and (content[0].low in STOP_WORDS or content[0].low in GENERIC_WORDS))

    def _stray_piece(
        self, ctx: _Ctx, a: int, b: int, content: list[_Tok], evidence: str, partial: bool, taken: list[bool],
        lower_words: set[str],
    ) -> bool:
        """What is left of a longer name, or a word after a list that is not one of its places."""
        toks = ctx.toks
        if (partial or evidence == "list") and any(
            t.low in ORG_WORDS or t.low in lower_words or t.low in NEIGHBOUR_OK or t.low in KIND_WORDS
            for t in content
        ):
            return True  # what is left of "Aleppo Media Center" is no place
        # after "in A": only names of the list, not "in Aleppo Rami Abdel Rahman said"
        return evidence == "list" and not (
            self._list_item(toks, a, b, taken)
            and (
                not {ctx.ent_label.get(q) for q in range(a, b)} & NOT_PLACE_LABELS
                or self._next_to_place(toks, a, b, taken)
            )
        )

    def _unknown_mention(
        self, ctx: _Ctx, a: int, b: int, big: Place | None, evidence: str, cut: bool
    ) -> PlaceMention:
        """The mention of an unknown name a..b (`cut`: cut out of a longer run), or of spaCy's governorate."""
        toks = ctx.toks
        start, end = toks[a].start, toks[b - 1].end
        if big is not None:  # "in Aleppo as UN meets": spaCy's place is the governorate or country
            return PlaceMention(
                start, end, ctx.text[start:end], big.kind, big.location_id, big.name, big.admin1,
                big.admin2, None, big.latitude, big.longitude, 3, confidence="medium", evidence="ner",
            )
        if evidence == "settlement":
            confidence = "medium" if cut else "high"
        else:
            confidence = "low" if evidence == "list" else "medium"
        return PlaceMention(
            start, end, ctx.text[start:end], "unresolved",
            admin1_hint=self._hint(ctx, a, b), confidence=confidence, evidence=evidence,
        )

    @staticmethod
    def _appositive_settlement(toks: list[_Tok], e: int) -> bool:
        """After a name: ", a (rebel-held) suburb of", " - a town in": the text says it is a settlement."""
        n = len(toks)
        k = e
        if k < n and toks[k].text in (",", "-", "–", "—"):
            k += 1
        if not (k < n and toks[k].low in ("a", "an")):
            return False
        for q in range(k + 1, min(n, k + 5)):
            if toks[q].low in SETTLEMENT_WORDS or toks[q].low in ("city", "cities", "camp"):
                nxt = toks[q + 1] if q + 1 < n else None
                return nxt is None or nxt.barrier or nxt.low in (
                    "of", "in", "near", "on", "east", "west", "north", "south", "that", "which", "where", "held",
                    "controlled", "located", "some", "about", "close", "just", "outside",
                )
            if toks[q].barrier and toks[q].text != "-":
                return False
        return False

    @staticmethod
    def _list_item(toks: list[_Tok], a: int, b: int, taken: list[bool]) -> bool:
        """Tokens a..b are an item of a list of places: a place follows, or a list word after a place precedes."""
        if any(taken[q] for q in range(b, min(len(toks), b + 2))):
            return True
        return a >= 2 and toks[a - 1].low in LIST_JOINERS and taken[a - 2]

    @staticmethod
    def _next_to_place(toks: list[_Tok], a: int, b: int, taken: list[bool]) -> bool:
        """Tokens a..b touch a matched place, directly or across one list word ("Salahuddin and Bureij")."""
        before = a - 1
        if before >= 0 and toks[before].low in LIST_JOINERS:
            before -= 1
        after = b
        if after < len(toks) and toks[after].low in LIST_JOINERS:
            after += 1
        return (before >= 0 and taken[before]) or (after < len(toks) and taken[after])

    @staticmethod
    def _pieces(toks: list[_Tok], i: int, j: int, taken: list[bool], split: bool | None) -> list[tuple[int, int]]:
        """The untaken stretches of i..j between list words, each cut into names when `split`
        (None: when a stretch holds three words or more: "Ziyadiyah Bahrutah Duvaybik")."""
        out = []
        cur: list[int] = []
        for k in range(i, j + 1):
            if k < j and not taken[k] and not toks[k].barrier and toks[k].low not in LIST_JOINERS:
                cur.append(k)
                continue
            while cur and (toks[cur[-1]].article or toks[cur[-1]].text == "-"):
                cur.pop()
            while cur and toks[cur[0]].text == "-":
                cur.pop(0)
            if cur:
                if split or (split is None and sum(1 for q in cur if toks[q].piece and not toks[q].article) >= 3):
                    out.extend(PlacesMatcher._split_names(toks, cur[0], cur[-1] + 1))
                else:
                    out.append((cur[0], cur[-1] + 1))
            cur = []
        return out

    @staticmethod
    def _split_names(toks: list[_Tok], a: int, b: int) -> list[tuple[int, int]]:
        """Cut a run of unknown names from a list into names.

        "Bustan al-Qasr al-Kallaseh", "Jubb Habal Abu Qatour Unq al-Hawa": a word starts a new name
        unless the word before begins names (Bab, Jubb, Abu ...), it is the article form after a
        one-word name ("Bustan al-Qasr"), or it ends names ("Jadida", "al-Kubra") or is a number.
        """
        units: list[tuple[int, int, str, bool, bool]] = []  # start, end, key, article form, number
        k = a
        while k < b:
            s, art = k, False
            while k < b and (toks[k].article or toks[k].text == "-"):
                art = art or toks[k].article
                k += 1
            if k >= b:
                break
            e = k + 1
            while e + 1 < b and toks[e].text == "-" and toks[e + 1].piece and not toks[e + 1].article:
                e += 2  # "Salah-Eddin"
            word = toks[k]
            key = word.piece.split(" ")[0] if word.piece else ""
            art = art or bool(_GLUED_ARTICLE_RE.match(word.text))
            units.append((s, e, key, art, word.text[:1].isdigit()))
            k = e
        names: list[list[tuple[int, int, str, bool, bool]]] = []
        for u in units:
            if names:
                cur = names[-1]
                prev = cur[-1]
                if (
                    # "al-Sheikh Saad", but "Bustan al-Qasr Mashhad": al-Qasr ends a name
                    (prev[2] in JOIN_PREFIXES and (len(cur) == 1 or not prev[3]))
                    or u[2] in ("ibn", "bin", "bint")
                    or (u[3] and len(cur) == 1 and not cur[0][3])
                    or u[4]
                    or u[2] in NAME_SUFFIXES
                ):
                    cur.append(u)
                    continue
            names.append([u])
        return [(name[0][0], name[-1][1]) for name in names]

    # ---- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _sent_at(toks: list[_Tok], char: int) -> int:
        """The sentence of the token at character offset `char`."""
        lo, hi = 0, len(toks) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if toks[mid].start <= char:
                lo = mid
            else:
                hi = mid - 1
        return toks[lo].sent

    @staticmethod
    def _same_start(content: list[_Tok], places: list[Place]) -> bool:
        """Skeleton matches keep the first letter (a vowel counts as any vowel): Saraqeb = Srqb."""
        first = translit.fold(content[0].piece)[:1]
        for p in places:
            name_first = translit.place_key(translit.strip_qualifier(p.name))[:1]
            if first == name_first or (first in "aeiou" and name_first in "aeiou"):
                return True
        return False

    @staticmethod
    def _near(places: list[Place], anchors: list[PlaceMention], km: float = 15.0) -> list[Place]:
        """The places within `km` of one of the anchor mentions."""
        out = []
        for p in places:
            if any((d := km_apart(p, m)) is not None and d <= km for m in anchors):
                out.append(p)
        return out

    @staticmethod
    def _sentence_start(toks: list[_Tok], k: int) -> bool:
        """Token k opens a sentence, a line, a quote or a bracket, where any word is capitalised."""
        return k == 0 or toks[k - 1].sent != toks[k].sent or toks[k - 1].text in ('"', "“", "(", "\n")

    @staticmethod
    def _precision(toks: list[_Tok], c: _Cand, kind: str) -> int:
        """geo_precision: 1 the place itself, 2 near it or part of it (and roads), 3 an area."""
        if kind in ADMIN_KINDS:
            return 3
        if kind == "road":
            return 2
        before = {t.low for t in toks[max(0, c.i - 3) : c.i]}
        after = toks[c.j].low if c.j < len(toks) else ""
        if before & NEAR_BEFORE or after in NEAR_AFTER:
            return 2
        return 1

    def _big_place(self, toks: list[_Tok], a: int, b: int) -> Place | None:
        """The governorate or country that tokens a..b name exactly, if they do."""
        key = " ".join(t.piece for t in toks[a:b] if t.piece)
        for x in self.gaz.index[0].get(key, ()):
            if self.gaz.places[x].kind in ("admin1", "country"):
                return self.gaz.places[x]
        return None

    def _possessive_word(self, word: str) -> bool:
        """"Syrias", "Aleppos": a governorate's or country's possessive that lost its apostrophe."""
        return len(word) >= 5 and word.endswith("s") and self._big_place_word(word[:-1]) \
            and not self._big_place_word_exact(word)

    def _big_place_word_exact(self, word: str) -> bool:
        """`word` is exactly a governorate's or a country's name."""
        idxs = self.gaz.index[0].get(translit.place_key(word), ())
        return any(self.gaz.places[x].kind in ("admin1", "country") for x in idxs)

    def _big_place_word(self, word: str) -> bool:
        """A governorate or country name, also with a lost possessive apostrophe ("Syrias", "Idlibs").

        "Tareeq al-Bab in Aleppo Syrias largest city": the capitalised word after "Aleppo" is a
        second place, not part of a longer name; "central Syrias Hama province": the possessive
        before "Hama" is not part of its name either.
        """
        index = self.gaz.index[0]
        for w in (word, word[:-1] if word.endswith("s") else None):
            if w and len(w) >= 4:
                idxs = index.get(translit.place_key(w), ())
                if any(self.gaz.places[x].kind in ("admin1", "country") for x in idxs):
                    return True
        return False


@Language.factory(
    "conflictwatch_places_v1",
    default_config={"reference_dir": None},
    assigns=["doc._.cw_places"],
    # NER labels are evidence (GPE/LOC/FAC) and vetoes (PERSON/ORG); sentences bound hints and
    # neighbours. Without them (blank pipelines in tests) the rules fall back to the words alone.
    requires=["doc.ents", "token.is_sent_start"],
)
def make_places(nlp: Language, name: str, reference_dir: str | None) -> PlacesMatcher:
    """The places component on the gazetteer of `reference_dir` (the settings' when None)."""
    return PlacesMatcher(load_gazetteer(reference_dir))
