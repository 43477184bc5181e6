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
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.kit import translit
from conflictwatch.nlp.kit.spans import PlaceMention, get_list

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
# Words that begin hundreds of Syrian place names ("Kafr Nabl", "Tal Abyad", "Deir Hafer"): alone
# before another capitalised word they are never the whole name.
NAME_PREFIXES = frozenset(
    {"kafr", "kfar", "kafar", "tal", "tell", "deir", "dayr", "jisr", "khan", "beit", "bayt", "umm", "maarat",
     "maaret", "maarrat", "qalaat", "jabal", "jebel", "ras", "ain", "ayn", "bir", "tall"}
)
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
NOT_PLACE_WORDS = frozenset(
    {
        "ramadan",
        "eid",
        "shiite",
        "shia",
        "sunni",
        "alawite",
        "druze",
        "kurd",
        "kurds",
        "turkmen",
        "yazidi",
        "armenian",
        "islamic",
        "islamist",
        "jihadist",
        "muslims",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "god",
        "allah",
        "muslim",
        "christian",
        "arab",
        "kurdish",
        "turkish",
        "russian",
        "syrian",
        "iranian",
    }
)
UNRESOLVED_LABELS = frozenset({"GPE", "LOC", "FAC"})
WEAPON_NOUNS = frozenset({"rocket", "rockets", "missile", "missiles", "launcher", "launchers", "shells", "mortars"})
# "the X of Y" / "Y X" name a settlement or a part of one that the gazetteer may not know
SETTLEMENT_WORDS = frozenset(
    {"village", "town", "villages", "towns", "neighborhood", "neighbourhood", "neighborhoods", "neighbourhoods",
     "suburb", "district", "quarter"}
)
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
    }
)
TOPONYM_HEADS = frozenset(
    {"kafr", "tal", "dayr", "ayn", "khirba", "maarat", "jisr", "khan", "bayt", "jabal", "wadi"}
)
NOT_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})


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
    words = translit.split_words(name)
    pieces = [translit.word_key(w) for w in words]
    k1 = " ".join(p for p in pieces if p)
    k2 = " ".join(translit.word_vowel_key(p) for p in pieces if p)
    k3 = " ".join(translit.word_skeleton(p) for p in pieces if p)
    return k1, k2, k3


def build_gazetteer(path: Path) -> Gazetteer:
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


@dataclass
class _Cand:
    i: int  # first token
    j: int  # one past the last token
    level: int  # 0 place_key, 1 vowel_key, 2 skeleton_key
    idxs: tuple[int, ...]
    n_words: int


def _tokens(doc: Doc) -> list[_Tok]:
    sent_of = [0] * len(doc)
    if doc.has_annotation("SENT_START"):
        for s_i, sent in enumerate(doc.sents):
            for k in range(sent.start, sent.end):
                sent_of[k] = s_i
    else:
        s_i = 0
        for k, t in enumerate(doc):
            sent_of[k] = s_i
            if t.text in (".", "!", "?") or "\n\n" in t.text:
                s_i += 1
    toks = []
    for k, t in enumerate(doc):
        text = t.text
        low = text.lower()
        folded = translit.fold(text)
        is_hyphen = text in ("-", "‐", "–") and not t.whitespace_
        article = folded in translit.ARTICLES
        barrier = not is_hyphen and (t.is_punct or t.is_space or not folded.strip())
        if barrier or is_hyphen:
            piece = ""
        else:
            piece = " ".join(translit.word_key(w) for w in translit.split_words(text))
        cap = text[:1].isupper() or text[:1].isdigit()
        toks.append(
            _Tok(text, low, t.idx, t.idx + len(text), barrier, article, piece.strip(), cap, sent_of[k])
        )
    return toks


def _candidates(toks: list[_Tok], gaz: Gazetteer) -> list[_Cand]:
    out: list[_Cand] = []
    n = len(toks)
    max_tokens = gaz.max_words * 3
    for i in range(n):
        t = toks[i]
        if t.barrier or (
            t.article and t.low not in translit.SAFE_ARTICLES and not (i + 1 < n and toks[i + 1].text == "-")
        ):
            continue
        if not t.piece and not t.article:
            continue
        parts: list[list[str]] = [[], [], []]
        live = [True, True, True]
        words = 0
        for j in range(i, min(n, i + max_tokens)):
            u = toks[j]
            if u.barrier:
                break
            if not u.piece:
                continue
            words += 1
            parts[0].append(u.piece)
            parts[1].append(" ".join(translit.word_vowel_key(p) for p in u.piece.split(" ")))
            parts[2].append(" ".join(translit.word_skeleton(p) for p in u.piece.split(" ")))
            for level in range(3):
                if not live[level]:
                    continue
                key = " ".join(parts[level])
                if key not in gaz.prefixes[level]:
                    live[level] = False
                    continue
                hits = gaz.index[level].get(key)
                if hits:
                    out.append(_Cand(i, j + 1, level, hits, words))
            if not any(live):
                break
    return out


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


class PlacesMatcher:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        mentions = get_list(doc, "cw_places")
        mentions.extend(m for m in self.find(doc) if not is_dateline(doc.text, m))
        mentions.sort(key=lambda m: m.start_char)
        return doc

    def find(self, doc: Doc) -> list[PlaceMention]:
        toks = _tokens(doc)
        if not toks:
            return []
        gaz = self.gaz
        ent_label: dict[int, str] = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ent_label[k] = ent.label_
        title_sents = self._title_case_sentences(toks)
        cands = _candidates(toks, gaz)
        # Governorate mentions first: they are the hints for everything else.
        admin_spans: list[tuple[int, int, str, int]] = []  # (i, j, admin1 name, sentence)
        for c in cands:
            if c.level == 0 and all(toks[k].cap or not toks[k].piece for k in range(c.i, c.j)):
                kinds = {gaz.places[x].kind for x in c.idxs}
                for x in c.idxs:
                    p = gaz.places[x]
                    if p.admin1 and (p.kind == "admin1" or (p.kind == "region" and "admin1" not in kinds)):
                        span_text = doc.text[toks[c.i].start : toks[c.j - 1].end]
                        probe = PlaceMention(toks[c.i].start, toks[c.j - 1].end, span_text, p.kind)
                        if not is_dateline(doc.text, probe):  # where the report was filed hints nothing
                            admin_spans.append((c.i, c.j, p.admin1, toks[c.i].sent))
                        break
        cands.sort(key=lambda c: (-c.n_words, -(c.j - c.i), c.level, c.i))
        taken = [False] * len(toks)
        chosen: list[PlaceMention] = []
        ends: set[int] = set()
        lower_words = {t.text for t in toks if t.text.islower()}
        for c in cands:
            if any(taken[c.i : c.j]):
                continue
            mention = self._resolve(
                doc, toks, c, admin_spans, ent_label, title_sents, chosen, ends, lower_words
            )
            if mention is not None:
                chosen.append(mention)
                ends.add(c.j - 1)
                for k in range(c.i, c.j):
                    taken[k] = True
        chosen.extend(self._unresolved(doc, toks, taken, admin_spans, frozenset(w.lower() for w in lower_words)))
        chosen.sort(key=lambda m: m.start_char)
        return chosen

    @staticmethod
    def _title_case_sentences(toks: list[_Tok]) -> set[int]:
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for t in toks:
            if t.text[:1].isalpha() and t.low not in STOP_WORDS:
                counts[t.sent][0] += 1
                counts[t.sent][1] += t.text[:1].isupper()
        return {s for s, (n, up) in counts.items() if n >= 4 and up / n > 0.7}

    def _hint(
        self, toks: list[_Tok], i: int, j: int, admin_spans: list[tuple[int, int, str, int]]
    ) -> str | None:
        """The governorate the text ties tokens i..j to: possessive, then after, then before."""
        sent = toks[i].sent
        before = [a for a in admin_spans if a[3] == sent and a[1] <= i]
        after = [a for a in admin_spans if a[3] == sent and a[0] >= j]
        for a in before:  # "Idlib's Sarmin", "Aleppo's Atarib village"
            if a[1] < len(toks) and toks[a[1]].low in ("'s", "’s") and a[1] + 1 == i:
                return a[2]
        if after:
            return min(after, key=lambda a: a[0])[2]
        if before:
            return max(before, key=lambda a: a[1])[2]
        return None

    @staticmethod
    def _evidence(
        toks: list[_Tok],
        i: int,
        j: int,
        hint: str | None,
        ent_label: dict[int, str],
        places: list[Place],
        ends: set[int],
    ) -> bool:
        prev1 = toks[i - 1].low if i >= 1 else ""
        if prev1 in CUE_BEFORE or (prev1 == "of" and i >= 2 and toks[i - 2].low in OF_HEADS):
            return True
        if i >= 2 and prev1 in ("'s", "’s") and toks[i - 2].cap:  # "Idlib's Bara"
            return True
        if prev1 in (",", "and", "or") and (
            i - 2 in ends or (prev1 == "and" and i >= 3 and toks[i - 2].text == "," and i - 3 in ends)
        ):
            return True  # a list of places: "in A, B and C"
        if j < len(toks) and toks[j].low in CUE_AFTER:
            return True
        if _attacked_after(toks, j):  # "X was shelled", "X came under fire": only places are
            return True
        nxt = [t.low for t in toks[j : j + 4]]
        if nxt[:1] == [","] and len(nxt) > 2 and nxt[1] in ("a", "an", "the") and (
            nxt[2] in CUE_AFTER or (len(nxt) > 3 and nxt[3] in CUE_AFTER)
        ):
            return True  # an appositive says what it is: "X, a (small) town ..."
        return ent_label.get(i) in UNRESOLVED_LABELS

    def _resolve(
        self,
        doc: Doc,
        toks: list[_Tok],
        c: _Cand,
        admin_spans,
        ent_label,
        title_sents,
        chosen: list[PlaceMention],
        ends: set[int],
        lower_words: set[str],
    ) -> PlaceMention | None:
        gaz = self.gaz

        def sent_of(m: PlaceMention) -> int:
            return self._sent_at(toks, m.start_char)

        span_toks = toks[c.i : c.j]
        content = [t for t in span_toks if t.piece]
        all_cap = all(t.cap for t in content)
        places = [gaz.places[x] for x in c.idxs]
        if not all_cap:
            places = [p for p in places if p.kind in CURATED_KINDS]
            if not places:
                return None
        curated = [p for p in places if p.kind in CURATED_KINDS and p.kind != "region"]
        named_kind = KIND_WORDS.get(toks[c.j].low if c.j < len(toks) else "", ())
        village_of = c.i >= 2 and toks[c.i - 1].low == "of" and toks[c.i - 2].low in ("village", "town", "city")
        if curated and named_kind and not {p.kind for p in places} & set(named_kind):
            return None  # "the <crossing> highway": a road named after a crossing, not the crossing
        if curated and not village_of and not (named_kind and not set(named_kind) & CURATED_KINDS):
            # A name on the curated list of crossings and roads means the crossing or the road
            # (the kind ranking below picks it anyway), even where villages share the name and the
            # NER calls it a person: "aid entered through Bab al-Hawa"
            places = curated
        # The small English model calls many Arabic place names PERSON or ORG ("Aleppo", "Maarat
        # al-Numan"): such a label vetoes a village only when no place cue stands next to it.
        labels = {ent_label.get(k) for k in range(c.i, c.j)}
        strict = not all(p.kind in CURATED_KINDS or p.kind in ("admin1", "country") for p in places)
        if (
            strict
            and labels & NOT_PLACE_LABELS
            and not self._evidence(toks, c.i, c.j, None, {}, places, ends)
        ):
            return None
        next_low = toks[c.j].low if c.j < len(toks) else ""
        if c.n_words == 1:
            word = content[0]
            if word.low in STOP_WORDS or word.low in NOT_PLACE_WORDS or len(word.piece) < 3:
                return None
            if word.low in lower_words and places[0].kind in SMALL_KINDS:
                return None  # the document writes it in lower case too: an English word ("Use", "Hail")
            if word.text.isupper() and len(word.text) < 5 and places[0].kind not in CURATED_KINDS:
                return None  # acronyms (UN, SDF, HTS)
        if c.n_words == 1 and content[0].low in NAME_PREFIXES and c.j < len(toks) and toks[c.j].cap \
                and toks[c.j].sent == toks[c.i].sent:
            return None  # "Kafr Halab", "Tal Rifaat": the first word of a longer name the gazetteer lacks
        if c.n_words == 1 and next_low in ACTOR_NOUNS and places[0].kind in SMALL_KINDS:
            return None  # "the Assad regime", "Jolani forces": a name used for a party, not a place
        # A capitalised word right before or after makes this part of a longer name.
        if toks[c.i].sent not in title_sents and not all(p.kind in CURATED_KINDS for p in places):
            left = c.i - 1
            while left >= 0 and (toks[left].article or toks[left].text == "-"):
                left -= 1
            right = c.j
            while right < len(toks) and (toks[right].article or toks[right].text == "-"):
                right += 1
            for k in (left, right):
                if 0 <= k < len(toks):
                    t = toks[k]
                    if (
                        t.sent == toks[c.i].sent
                        and t.cap
                        and t.piece
                        and not t.text[:1].isdigit()
                        and (
                            t.low not in STOP_WORDS
                            and t.low not in NEIGHBOUR_OK
                            and t.low not in NOT_PLACE_WORDS
                        )
                        and not (k == left and self._sentence_start(toks, k))
                        and not (k == right and self._big_place_word(t.text))
                        and not (k == left and t.text.endswith("s") and self._big_place_word(t.text[:-1]))
                    ):
                        return None
        hint = self._hint(toks, c.i, c.j, admin_spans)
        # The kind the text names ("Idlib province", "Idlib city").
        wanted = KIND_WORDS.get(next_low)
        if wanted:
            narrowed = [p for p in places if p.kind in wanted]
            if narrowed:
                places = narrowed
        if not wanted:  # a district named for its town means the town: "Khan Shaykhun"
            places = [
                gaz.places[gaz.seats[p.location_id]] if p.location_id in gaz.seats else p for p in places
            ]
        best_rank = min(KIND_RANK[p.kind] for p in places)
        places = [p for p in places if KIND_RANK[p.kind] == best_rank]
        kind = places[0].kind
        needs_evidence = c.level == 2 or (c.n_words == 1 and (kind in SMALL_KINDS or c.level == 1))
        if needs_evidence and not self._evidence(toks, c.i, c.j, hint, ent_label, places, ends):
            return None
        if c.level == 2 and (
            kind not in ("community", "admin3", "admin2") or not self._same_start(content, places)
        ):
            return None
        # Which of the same-named places.
        if hint and kind not in ADMIN_KINDS:
            in_hint = [p for p in places if p.admin1 == hint]
            if in_hint:
                places = in_hint
            elif needs_evidence or c.level > 0:
                # The text puts it in another governorate: only a place next to one the sentence
                # names for sure survives (reporters draw governorate lines loosely).
                places = self._near(
                    places,
                    [
                        m
                        for m in chosen
                        if m.latitude is not None and m.kind in SMALL_KINDS and sent_of(m) == toks[c.i].sent
                    ],
                )
                if not places:
                    return None
        if len(places) > 1 and c.level < 2:
            # A town (GeoNames town or sub-district seat) beats villages of the same name: "Douma".
            towns = [p for p in places if p.is_town]
            if towns:
                places = towns
        if len(places) > 1:
            northwest = [p for p in places if p.admin1_pcode in NORTHWEST]
            if northwest:
                places = northwest
            elif c.level == 2:
                return None
        start, end = toks[c.i].start, toks[c.j - 1].end
        precision = self._precision(toks, c, kind)
        if kind in ADMIN_KINDS or kind == "road":
            hint = None  # a governorate, region or road is not "in" the governorate named nearby
        if len({p.admin1 for p in places}) > 1:
            return PlaceMention(
                start, end, doc.text[start:end], kind, admin1_hint=hint, geo_precision=precision
            )
        place = min(places, key=lambda p: p.location_id)
        return PlaceMention(
            start,
            end,
            doc.text[start:end],
            place.kind,
            place.location_id,
            place.name,
            place.admin1,
            place.admin2,
            hint,
            place.latitude,
            place.longitude,
            precision,
        )

    @staticmethod
    def _sent_at(toks: list[_Tok], char: int) -> int:
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
        out = []
        for p in places:
            if p.latitude is None:
                continue
            for m in anchors:
                dlat = (p.latitude - m.latitude) * 111.0
                dlon = (p.longitude - m.longitude) * 111.0 * 0.81  # cos(36 deg)
                if (dlat * dlat + dlon * dlon) ** 0.5 <= km:
                    out.append(p)
                    break
        return out

    @staticmethod
    def _sentence_start(toks: list[_Tok], k: int) -> bool:
        return k == 0 or toks[k - 1].sent != toks[k].sent or toks[k - 1].text in ('"', "“", "(", "\n")

    @staticmethod
    def _precision(toks: list[_Tok], c: _Cand, kind: str) -> int:
        if kind in ADMIN_KINDS:
            return 3
        if kind == "road":
            return 2
        before = {t.low for t in toks[max(0, c.i - 3) : c.i]}
        after = toks[c.j].low if c.j < len(toks) else ""
        if before & NEAR_BEFORE or after in NEAR_AFTER:
            return 2
        return 1

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

    def _unresolved(
        self, doc: Doc, toks: list[_Tok], taken: list[bool], admin_spans, lower_words: frozenset[str] = frozenset()
    ) -> list[PlaceMention]:
        spans: list[tuple[int, int]] = []
        ner_spans: set[tuple[int, int]] = set()
        for ent in doc.ents:
            if ent.label_ in UNRESOLVED_LABELS:
                if ent.end < len(toks) and toks[ent.end].low in WEAPON_NOUNS:
                    continue  # "Katyusha rockets", "Grad missiles": a weapon's name
                # an entity made of words the document also writes in lower case is a headline
                # phrase ("... Reports Suicide bombing"), not a place name
                words = [t for t in toks[ent.start : ent.end] if t.piece]
                if any(t.cap and t.text.lower() in lower_words for t in words if t.low not in TOPONYM_HEADS):
                    continue
                spans.append((ent.start, ent.end))
                ner_spans.add((ent.start, ent.end))
        # "the village of X", "X village": capitalised words next to a settlement word.
        n = len(toks)
        for k, t in enumerate(toks):
            if t.low in SETTLEMENT_WORDS:
                if k + 2 < n and toks[k + 1].low == "of" and toks[k + 2].cap:
                    e = k + 2
                    while (
                        e < n
                        and (toks[e].cap or toks[e].article or toks[e].text == "-")
                        and not toks[e].barrier
                    ):
                        e += 1
                    spans.append((k + 2, e))
                b = k
                while (
                    b > 0
                    and (toks[b - 1].cap or toks[b - 1].article or toks[b - 1].text == "-")
                    and not toks[b - 1].barrier
                ):
                    b -= 1
                if b < k:
                    spans.append((b, k))
        # "Kafr X", "Tal X", "Deir X": the first word says a settlement even if the name is unknown.
        for k, t in enumerate(toks):
            if t.cap and t.piece in TOPONYM_HEADS and k + 1 < n:
                e = k + 1
                while (
                    e < n and (toks[e].cap or toks[e].article or toks[e].text == "-") and not toks[e].barrier
                ):
                    e += 1
                if e > k + 1:
                    spans.append((k, e))
        out = []
        seen: set[tuple[int, int]] = set()
        for i, j in sorted(spans):
            while i < j and (toks[i].low in STOP_WORDS or toks[i].barrier) and not toks[i].article:
                i += 1
            while j > i and (toks[j - 1].barrier or toks[j - 1].text == "-" or toks[j - 1].article):
                j -= 1
            while i < j - 1 and toks[i].text.endswith("s") and self._big_place_word(toks[i].text):
                i += 1  # "Syrias Hassakeh": a possessive that lost its apostrophe, not part of the name
            if i >= j or (i, j) in seen or any(taken[i:j]):
                continue
            content = [t for t in toks[i:j] if t.piece]
            if (
                not content
                or not all(t.cap for t in content)
                or any(t.low in NOT_PLACE_WORDS for t in content)
            ):
                continue
            if len(content) == 1 and (content[0].low in STOP_WORDS or content[0].low in NEIGHBOUR_OK):
                continue
            seen.add((i, j))
            for k in range(i, j):
                taken[k] = True
            start, end = toks[i].start, toks[j - 1].end
            out.append(
                PlaceMention(
                    start,
                    end,
                    doc.text[start:end],
                    "unresolved",
                    admin1_hint=self._hint(toks, i, j, admin_spans),
                )
            )
        return out


@Language.factory("conflictwatch_places_v1", default_config={"reference_dir": None})
def make_places(nlp: Language, name: str, reference_dir: str | None) -> PlacesMatcher:
    return PlacesMatcher(load_gazetteer(reference_dir))
