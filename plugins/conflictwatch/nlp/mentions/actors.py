"""The conflictwatch_actors_v1 component: actor dictionary matches -> doc._.cw_actors.

The dictionary is include/reference/actors.csv (also a dbt seed). Matching is on the text:
the longest pattern wins at a position, patterns written in capitals ("HTS", "WHO", "UN")
match case-sensitively, the rest case-insensitively; spaces, hyphens and apostrophes are
interchangeable ("al-Sham" = "al Sham", "Hay'at" = "Hayat"). Slash forms ("regime/Russian")
give one mention per side, and coordinated nationality adjectives before a force or attack
noun ("the Syrian and Russian militaries") give one mention per adjective.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.kit.spans import ActorMention, get_list, text_of

# "a truce brokered (announced, declared) by Russia and Turkey": the brokers (the whole list) make the peace; they are not
# perpetrators or violators. Matched on the text that ends right before an actor.
BROKERS_BEFORE = re.compile(
    r"\b(?:brokered|mediated|sponsored|guaranteed|negotiated|agreed(?:\s+(?:up)?on)?|signed|reached|announced|declared|"
    r"proposed|initiated)\s+by\s+"
    r"(?:(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*))*(?:the\s+)?$"
)


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    actor_type: str
    default_role: str


# Nationality adjective -> actor, for "<adj> (and <adj>) <force noun>" coordination.
NATIONALITY = {
    "syrian": "syrian_government",
    "russian": "russia",
    "turkish": "turkey",
    "iranian": "iran",
    "israeli": "israel",
    "american": "us_coalition",
    "u.s.": "us_coalition",
    "us": "us_coalition",
}
FORCE_NOUNS = (
    "militaries", "military", "forces", "warplanes", "jets", "aircraft", "helicopters", "drones", "troops",
    "attacks", "bombings", "bombing", "strikes", "air strikes", "airstrikes", "raids", "bombardment",
    "bombardments", "shelling", "offensive", "artillery", "armies", "army", "air forces", "allies",
)
_NAT = r"(?:Syrian|Russian|Turkish|Iranian|Israeli|American|U\.S\.|US)"
_COORD_RE = re.compile(
    rf"\b(?P<nats>{_NAT}(?:\s*(?:,|and|or|/)\s*{_NAT})+)\s+(?:{'|'.join(sorted(FORCE_NOUNS, key=len, reverse=True))})\b"
)
_NAT_RE = re.compile(_NAT)
# "government shelling", "government warplanes": the adjective names the Syrian government
_GOV_ADJ_RE = re.compile(
    rf"\b(?P<adj>[Gg]overnment|[Rr]egime|[Pp]ro-government|[Pp]ro-regime)\s+(?:{'|'.join(sorted(FORCE_NOUNS, key=len, reverse=True))}"
    r"|fire|rocket\s+fire|barrel\s+bombs?|air\s+raids?|helicopters?|planes|aircraft|shells|rockets|missiles|snipers?)\b"
)
# generic wording that a named group right before it absorbs: "ISIS terrorists", "the Nusra Front terrorist group"
GENERIC_ACTORS = {"rebels"}
_BY_NAMED_GAP_RE = re.compile(r"^\s+(?:[\w-]+\s+){1,3}?by\s+(?:the\s+)?$", re.I)
_ABSORB_GAP_RE = re.compile(r"^(?:\s+|\s*['’]?s?\s+)(?:[\w-]+\s+){0,2}$")


# "rebel-held", "government-controlled", "regime-run": who holds a place, not who acted
_HELD_RE = re.compile(r"[\s-]*(?:held|controlled|run|besieged|dominated|administered|backed|allied|affiliated|aligned|linked|loyal)\b", re.I)
# "areas held by the Army of Conquest", "neighbourhoods controlled by the regime": the holder of a place, said the long way
_LINKED_GAP_RE = re.compile(r"^[\s-]*(?:linked|affiliated|affiliate)\s+(?:[\w-]+\s+){0,2}$", re.I)
_HELD_BY_RE = re.compile(r"\b(?:held|controlled|run|dominated|administered)\s+by\s+(?:the\s+)?$", re.I)


def default_reference_dir() -> Path:
    from conflictwatch.config import get_settings

    return get_settings().reference_dir


_INSIDE_WORD = "_.-"  # with letters and digits: the characters the patterns' look-behind (?<![\w.-]) excludes


_SEPARATOR = r"[\s\-‐–]+"


def _pattern_atoms(pattern: str, fold: bool) -> tuple[str, ...]:
    """A pattern as regex atoms: a space or hyphen matches any run of them (doubled separators, as in
    "al- Sham", are one), an apostrophe may be missing, any other character is itself (lower-cased
    when the match ignores case, so that one trie path serves every spelling)."""
    out: list[str] = []
    for ch in pattern.strip():
        if ch in " -":
            if not out or out[-1] != _SEPARATOR:
                out.append(_SEPARATOR)
        elif ch in "'’":
            out.append(r"['’]?")
        else:
            out.append(re.escape(ch.lower() if fold else ch))
    return tuple(out)


def _trie_regex(patterns: list[str], fold: bool) -> str:
    """One regex for many patterns, as a trie ("Syrian (?:army|government(?: forces)?)"): Python's re
    tries an alternation's branches one by one at every position, a trie one character at a time.
    Branches holding the longest pattern are tried first and a pattern ending at a node last, so the
    longest pattern that matches wins, as in a longest-first alternation."""
    trie: dict = {}
    for p in patterns:
        node = trie
        for atom in _pattern_atoms(p, fold):
            node = node.setdefault(atom, {})
        node[""] = {}

    def longest(node: dict) -> int:
        return max((1 + longest(child) for atom, child in node.items() if atom), default=0)

    def emit(node: dict) -> str:
        branches = sorted((a for a in node if a), key=lambda a: -longest(node[a]))
        if not branches:
            return ""
        body = "|".join(a + emit(node[a]) for a in branches)
        if "" in node:
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    return emit(trie)


class ActorMatcher:
    """Finds actor mentions in text with the dictionary's patterns."""

    def __init__(self, rows: list[dict[str, str]]):
        self.actors: dict[str, Actor] = {}
        self.pattern_actor: dict[str, str] = {}
        sensitive: list[str] = []
        insensitive: list[str] = []
        for row in rows:
            actor = Actor(row["actor_id"], row["name"], row["actor_type"], row["default_role"])
            self.actors[actor.actor_id] = actor
            for pattern in (p.strip() for p in row["patterns"].split("|")):
                if not pattern:
                    continue
                key = pattern.lower()
                self.pattern_actor.setdefault(self._norm(key), actor.actor_id)
                is_acronym = re.fullmatch(r"[A-Z][A-Z.]*[A-Z.]", pattern) is not None
                (sensitive if is_acronym else insensitive).append(pattern)
        self._sensitive = self._compile(sensitive, 0)
        self._insensitive = self._compile(insensitive, re.IGNORECASE)

    @staticmethod
    def _norm(text: str) -> str:
        # apostrophes dropped first, so that "army's" and the "armys" of copies that lost it are one key
        return re.sub(r"[\s\-‐–]+", " ", re.sub(r"['’]", "", text.lower())).strip()

    @staticmethod
    def _compile(patterns: list[str], flags: int) -> re.Pattern[str] | None:
        if not patterns:
            return None
        alternation = _trie_regex(sorted(set(patterns)), fold=bool(flags & re.IGNORECASE))
        # a name ends where no word goes on, or where "-linked" / "-affiliated" ties a group to it
        return re.compile(rf"(?<![\w.-])(?:{alternation})(?:(?![\w-])|(?=-(?:linked|affiliated)\b))", flags)

    @classmethod
    def from_csv(cls, path: Path) -> ActorMatcher:
        with open(path, newline="", encoding="utf-8") as f:
            return cls(list(csv.DictReader(f)))

    def _actor_for(self, surface: str) -> Actor | None:
        actor_id = self.pattern_actor.get(self._norm(surface))
        return self.actors.get(actor_id) if actor_id else None

    def _absorbed(self, text: str, accepted: list[tuple[int, int, str]], i: int) -> bool:
        """A generic mention ("terrorists") right after a named group ("ISIS terrorists"), or an
        attack it qualifies that a named group made ("a terrorist attack by ISIS"), is that group."""
        start, end, actor_id = accepted[i]
        if actor_id not in GENERIC_ACTORS:
            return False
        if i + 1 < len(accepted):
            n_start, _n_end, n_id = accepted[i + 1]
            if (n_id not in GENERIC_ACTORS and self.actors[n_id].default_role == "perpetrator"
                    and _BY_NAMED_GAP_RE.match(text[end:n_start])):
                return True
        if i == 0:
            return False
        _p_start, p_end, p_id = accepted[i - 1]
        if p_id in GENERIC_ACTORS or self.actors[p_id].default_role != "perpetrator":
            return False
        gap = text[p_end:start]
        return len(gap) <= 25 and _ABSORB_GAP_RE.match(gap) is not None and not re.search(
            r"\b(?:and|or|by|against|with|from|on|at|in)\b", gap, re.I)

    def _named_by_link(self, text: str, accepted: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """"Jabhat al-Nusra-linked terrorist groups", "ISIS-affiliated militants": the generic group is the
        named one (codebook 2.5: state media's "terrorists" are the named group when one is given)."""
        out = list(accepted)
        for i in range(len(out) - 1):
            _start, end, actor_id = out[i]
            n_start, n_end, n_id = out[i + 1]
            if n_id in GENERIC_ACTORS and actor_id not in GENERIC_ACTORS and _LINKED_GAP_RE.match(text[end:n_start]) \
                    and self.actors[actor_id].default_role == "perpetrator":
                out[i + 1] = (n_start, n_end, actor_id)
        return out

    def _matches(self, regex: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
        """The leftmost matches, and a match of another actor that starts inside one of them: "the Army of
        Conquest" holds "the Army" and "Army of Conquest" (find() prefers the longer); "Kurdish YPG fighters"
        stays the leftmost "Kurdish YPG", one actor either way."""
        out: list[tuple[int, int, str]] = []
        for m in regex.finditer(text):
            actor = self._actor_for(m.group(0))
            if actor is None:
                continue
            out.append((m.start(), m.end(), actor.actor_id))
            for pos in range(m.start() + 1, m.end()):
                if text[pos - 1] in _INSIDE_WORD or text[pos - 1].isalnum():
                    continue  # a match starts only where the pattern's look-behind allows: after no word character
                inner = regex.match(text, pos)
                if inner is None:
                    continue
                other = self._actor_for(inner.group(0))
                if other is not None and other.actor_id != actor.actor_id and inner.end() > m.end():
                    out.append((inner.start(), inner.end(), other.actor_id))
        return out

    def find(self, text: str) -> list[ActorMention]:
        spans: list[tuple[int, int, str]] = []
        for regex in (self._insensitive, self._sensitive):
            if regex is None:
                continue
            spans += self._matches(regex, text)
        for m in _COORD_RE.finditer(text):
            for n in _NAT_RE.finditer(m.group("nats")):
                actor_id = NATIONALITY.get(n.group(0).lower())
                if actor_id in self.actors:
                    spans.append((m.start("nats") + n.start(), m.start("nats") + n.end(), actor_id))
        for m in _GOV_ADJ_RE.finditer(text):
            if "syrian_government" in self.actors:
                spans.append((m.start("adj"), m.end("adj"), "syrian_government"))
        # longest first, then leftmost; drop anything overlapping an accepted span
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        accepted: list[tuple[int, int, str]] = []
        for s in spans:
            if all(s[1] <= a[0] or s[0] >= a[1] for a in accepted):
                accepted.append(s)
        accepted.sort()
        accepted = [s for i, s in enumerate(accepted) if not self._absorbed(text, accepted, i)]
        accepted = self._named_by_link(text, accepted)
        accepted = [s for s in accepted if not _HELD_RE.match(text, s[1])
                    and not _HELD_BY_RE.search(text, max(0, s[0] - 30), s[0])]
        out = []
        for start, end, actor_id in accepted:
            actor = self.actors[actor_id]
            out.append(ActorMention(start, end, text[start:end], actor.actor_id, actor.name, actor.default_role))
        return out


@lru_cache(maxsize=4)
def load_matcher(reference_dir: str | None = None) -> ActorMatcher:
    base = Path(reference_dir) if reference_dir else default_reference_dir()
    return ActorMatcher.from_csv(base / "actors.csv")


@Language.factory("conflictwatch_actors_v1", default_config={"reference_dir": None})
def make_actors(nlp: Language, name: str, reference_dir: str | None):
    matcher = load_matcher(reference_dir)

    def component(doc: Doc) -> Doc:
        get_list(doc, "cw_actors").extend(matcher.find(text_of(doc)))
        return doc

    return component
