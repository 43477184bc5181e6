"""The arguments of a candidate event, found through the parse: where, who acted, against whom, when.

Every place of the sentence is an option for the event's location, described by features of
its tie to the event (the preposition it hangs from, the tree path and its length, what kind
of place it is, whether it sits inside an organisation's or actor's name, the dateline or a
headline). A learned model scores the options when one is loaded (models/place_link.json);
otherwise a rule score does (`rule_place_score`). Actors are agents (subject of the attack,
"by X", "Russian" in "Russian air strikes"), targets (the counted victims' side, "against X",
the object of "attacked"), or sources (a monitor, the subject of "said").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from conflictwatch.nlp.events.candidates import Candidate, crosses_clause
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention, km_apart, text_of
from conflictwatch.nlp.kit.syntax import conj_root, distance, governing_prep, head_of, path_labels

LOCATIVE_PREPS = frozenset({"in", "at", "on", "near", "inside", "outside", "around", "across", "into", "onto",
                            "throughout", "within", "outskirts", "towards", "toward", "targeting", "over", "of",
                            "along", "between"})
SETTLEMENT_NOUNS = frozenset({"town", "village", "city", "neighbourhood", "neighborhood", "district", "area", "suburb",
                              "countryside", "outskirts", "province", "region", "camp", "market", "hospital", "mosque",
                              "school", "square", "quarter", "vicinity", "villages", "towns", "areas", "parts",
                              "part", "edge", "highway", "road", "base", "airport", "checkpoint", "governorate"})
ATTACK_VERBS = frozenset({"shell", "bomb", "hit", "strike", "target", "pound", "attack", "raid", "bombard", "storm",
                          "capture", "seize", "retake", "recapture", "enter", "overrun", "besiege", "ambush",
                          "liberate", "regain", "control", "rocket", "blast", "assault", "take"})
SPECIFIC_KINDS = frozenset({"community", "neighbourhood", "admin3", "road", "crossing", "unresolved"})
AGENT_DEPS = frozenset({"nsubj", "agent", "compound", "amod", "poss", "nmod"})


@dataclass
class PlaceOption:
    mention: PlaceMention
    head: Token | None
    features: dict = field(default_factory=dict)
    score: float = 0.0


def place_prep(tok: Token) -> str:
    """How a place hangs in the sentence: its preposition, 'of:<noun>' for 'the town of X', or its role."""
    t = tok
    for _ in range(3):
        if t.dep_ in ("compound", "appos", "conj", "amod", "nmod", "poss") and t.head.i != t.i:
            if t.dep_ == "poss":
                return "poss"
            t = t.head
            continue
        break
    prep = governing_prep(t)
    if prep == "of" and t.head.head.lower_ in SETTLEMENT_NOUNS:
        outer = governing_prep(t.head.head)
        return f"of>{outer or t.head.head.dep_}"
    if prep:
        return prep
    if t.dep_ == "dobj" and t.head.lemma_.lower() in ATTACK_VERBS:
        return "dobj_attack"
    return t.dep_ or "none"


def place_features(cand: Candidate, option: PlaceOption, doc_model, actors: list[ActorMention],
                   sent_places: list[PlaceMention]) -> dict:
    m, head = option.mention, option.head
    anchor = cand.anchor
    toks = cand.tokens()
    dist = min((distance(head, t) for t in toks), default=64) if head is not None else 64
    prep = place_prep(head) if head is not None else "none"
    between = sum(1 for p in sent_places if p is not m and min(anchor.idx, m.start_char) < p.start_char < max(anchor.idx, m.start_char))
    f = {
        "prep=" + prep: 1.0,
        "prep_loc": 1.0 if prep.split(">")[-1] in LOCATIVE_PREPS or prep.startswith("of>") or prep == "dobj_attack" else 0.0,
        "kind=" + (m.kind or "none"): 1.0,
        "specific": 1.0 if m.kind in SPECIFIC_KINDS else 0.0,
        "resolved": 1.0 if m.location_id else 0.0,
        "abroad": 1.0 if _abroad(m) else 0.0,
        "too_broad": 1.0 if too_broad(m) else 0.0,
        "in_actor": 1.0 if any(a.start_char <= m.start_char and m.end_char <= a.end_char for a in actors) else 0.0,
        "dateline": 1.0 if doc_model is not None and doc_model.dateline and doc_model.dateline.place
        and doc_model.dateline.place[0] <= m.start_char < doc_model.dateline.place[1] else 0.0,
        "dist": min(dist, 10) / 10.0,
        "dist<=2": 1.0 if dist <= 2 else 0.0,
        "dist<=4": 1.0 if dist <= 4 else 0.0,
        "before_anchor": 1.0 if m.start_char < anchor.idx else 0.0,
        "between_places": min(between, 3) / 3.0,
        "path=" + (path_labels(anchor, head)[:40] if head is not None else "none"): 1.0,
        "ent=" + (head.ent_type_ if head is not None and head.ent_type_ else "none"): 1.0,
        "near": 1.0 if m.geo_precision == 2 else 0.0,
        "first_in_sent": 1.0 if sent_places and sent_places[0] is m else 0.0,
        "on_actor": 1.0 if head is not None and _hangs_on_actor(head, actors) else 0.0,
        "excepted": 1.0 if EXCEPT_RE.search(text_of(cand.sent.doc)[max(0, m.start_char - 40) : m.start_char]) else 0.0,
        "after_trigger": 1.0 if _right_after_trigger(cand, m) else 0.0,
        "other_clause": 1.0 if head is not None and all(crosses_clause(t, head) for t in toks) else 0.0,
        "origin": 1.0 if head is not None and _origin(head) else 0.0,
        "of_trigger": 1.0 if head is not None and _of_trigger(cand, head) else 0.0,
    }
    return f


def _of_trigger(cand: Candidate, head: Token) -> bool:
    """'the recapture of X', 'the shelling of X': the place is the event noun's own object."""
    t = conj_root(head)
    while t.dep_ in ("compound", "appos", "flat", "amod", "nmod") and t.head.i != t.i:
        t = conj_root(t.head)  # "of Binnish area", "of the al-Mallah Farms area"
    return t.dep_ == "pobj" and t.head.lower_ == "of" and any(t.head.head.i == tr.head for tr in cand.triggers)


ORIGIN_VERBS = frozenset({"evacuate", "flee", "displace", "come", "arrive", "return", "transfer", "travel", "bring",
                          "carry", "fire", "launch", "escape", "transport", "move", "relocate"})

ORIGIN_NOUNS = frozenset({"evacuee", "refugee", "resident", "inhabitant", "family", "native", "displaced", "evacuation"})


def _origin(head: Token) -> bool:
    """'buses carrying residents evacuated from the towns of X', 'rockets fired from X': where people or
    shells came from, not where the event happened ('withdrew from X', 'expelled from X' stay places)."""
    t = head
    while t.dep_ in ("compound", "appos", "conj", "flat") and t.head.i != t.i:
        t = t.head
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ in SETTLEMENT_NOUNS:
        t = t.head.head  # "from the towns of X"
    if t.dep_ != "pobj" or t.head.lower_ != "from":
        return False
    owner = t.head.head
    before = t.doc[t.head.i - 1] if t.head.i > 0 else owner  # the word before "from", should the parse misattach it
    words = {owner.lemma_.lower(), before.lemma_.lower()} | {g.lemma_.lower() for c in owner.children if c.dep_ == "prep" and c.lower_ == "of"
                                      for g in c.children if g.dep_ == "pobj"}  # "thousands of evacuees from X"
    return bool(words & (ORIGIN_VERBS | ORIGIN_NOUNS))


AFTER_TRIGGER_GAP = re.compile(
    r"\s+(?:(?:in|on|at|near|around|targeting|against)\s+)?(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){0,2}(?:town|village|city|area|neighbou?rhood|district|countryside|outskirts|province)\s+of\s+)?",
    re.I,
)


def _right_after_trigger(cand: Candidate, m: PlaceMention) -> bool:
    """'shelled Kafr Nabl', 'air strikes on the town of X': the place follows an attack word with
    only a preposition or a settlement noun between; read from the words, since a mis-parse
    ("shelled Kafr Nabl hours later") can hang the name anywhere."""
    doc = cand.sent.doc
    text = text_of(doc)
    for t in cand.triggers:
        end = doc[t.end - 1].idx + len(doc[t.end - 1].text)
        if 0 < m.start_char - end <= 60 and AFTER_TRIGGER_GAP.fullmatch(text, end, m.start_char):
            return True
    return False


EXCEPT_RE = re.compile(r"\b(?:except(?:\s+for)?|with\s+the\s+exception\s+of|apart\s+from|other\s+than|excluding)\s+"
                       r"(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)


def _hangs_on_actor(head: Token, actors: list[ActorMention]) -> bool:
    """'regime forces in X', 'rebels from X': the place says where an actor is, not where it struck."""
    t = head
    for _ in range(4):
        if t.head.i == t.i:
            return False
        t = t.head
        if t.pos_ in ("NOUN", "PROPN") and any(a.start_char <= t.idx < a.end_char for a in actors):
            return True
        if t.pos_ == "VERB" and not (t.lemma_.lower() in POSITION_VERBS and t.dep_ in ("acl", "relcl")):
            return False  # "terrorists positioned in X fired ...": climb on to the actor the verb describes
    return False


POSITION_VERBS = frozenset({"position", "station", "base", "entrench", "deploy", "hole", "locate", "stay", "hide"})


def _abroad(m: PlaceMention) -> bool:
    lid = m.location_id or ""
    return lid.startswith(("abroad:", "country:")) or (m.kind == "country" and lid != "SY")


def too_broad(m: PlaceMention) -> bool:
    """Syria itself, or a region of it with no governorate ("northern Syria"): never an event's place."""
    return m.kind == "country" or (m.kind == "region" and not m.admin1 and not (m.location_id or "").startswith("abroad:"))


PREP_SCORE = {"in": 2.0, "at": 2.0, "along": 1.6, "on": 1.8, "near": 1.8, "inside": 1.8, "outside": 1.6, "around": 1.6,
              "across": 1.2, "into": 1.6, "targeting": 2.0, "dobj_attack": 2.0, "over": 1.0, "poss": 1.4,
              "from": 0.4, "to": 0.6, "towards": 1.0, "toward": 1.0, "between": 1.0, "of": 0.8,
              "nsubj": 1.0, "nsubjpass": 1.4, "appos": 1.0, "compound": 1.0, "npadvmod": 0.8}


def rule_place_score(f: dict) -> float:
    """A hand-set score for a place option when no trained model is loaded."""
    if f.get("dateline") or f.get("in_actor") or f.get("abroad") or f.get("too_broad") or f.get("excepted"):
        return -5.0
    prep = next((k[5:] for k in f if k.startswith("prep=")), "none")
    base = PREP_SCORE.get(prep.split(">")[-1], 0.8 if prep.startswith("of>") else 0.5)
    if prep.startswith("of>"):
        base = max(base, 1.8)
    return (base + 0.6 * f.get("specific", 0.0) - 2.0 * f.get("dist", 0.0) + 0.3 * f.get("dist<=2", 0.0)
            - 1.0 * f.get("other_clause", 0.0))


BASED_RE = re.compile(r"\s*-?\s*based\b", re.I)


def place_options(cand: Candidate, sent_places: list[PlaceMention], actors: list[ActorMention], doc_model,
                  scorer=None) -> list[PlaceOption]:
    out = []
    text = text_of(cand.sent.doc)
    for m in sent_places:
        if BASED_RE.match(text, m.end_char):
            continue  # "the UK-based Syrian Observatory", "a Beirut-based group": where a source sits
        opt = PlaceOption(m, head_of(cand.sent, m.start_char, m.end_char))
        opt.features = place_features(cand, opt, doc_model, actors, sent_places)
        out.append(opt)
    specific = [o for o in out if o.features["specific"] and usable(o)]
    if len(specific) == 1:  # the sentence's only town or village a coder could place it at
        specific[0].features["sole_specific"] = 1.0
    for opt in out:
        opt.score = scorer(opt.features) if scorer is not None else rule_place_score(opt.features)
    return sorted(out, key=lambda o: -o.score)


SOLE_SPECIFIC_SLACK = 0.1
OWN_SLACK = 0.3  # the event noun's own "of X" object, taken though ranked less sure


CITY_RADIUS_KM = 8.0


def in_city(quarter: PlaceMention, city: PlaceMention) -> bool:
    """A neighbourhood of the city: the gazetteer puts it within a city's radius of the city's point."""
    if quarter.kind != "neighbourhood" or city.kind != "community":
        return False
    km = km_apart(quarter, city)
    return km is not None and km <= CITY_RADIUS_KM


def choose_places(options: list[PlaceOption], threshold: float) -> list[PlaceMention]:
    """The best option (a specific place inside a broader best one wins), plus places coordinated with it."""
    good = [o for o in options if o.score >= threshold and usable(o)]
    if not good:
        top = next((o for o in options if usable(o)), None)
        if top is None or not top.features.get("sole_specific") or top.score < threshold - SOLE_SPECIFIC_SLACK:
            return []
        good = [top]  # the sentence's one town or village, ranked first though not sure: a coder places it there
    best = good[0]
    own = [o for o in options if o.features.get("of_trigger") and usable(o) and o.score >= threshold - OWN_SLACK]
    if own and not best.features.get("of_trigger"):  # "the capture of Castello Road came after the recapture of X"
        best = own[0]
    if best.features.get("on_actor"):  # "forces in X attacked Y": X is where they are, Y where they struck
        struck = [o for o in good[1:] if not o.features.get("on_actor")]
        if struck:
            best = struck[0]
    if best.features.get("other_clause"):  # "one was killed in X while two were killed in Y": Y is the two's
        own = [o for o in good[1:] if not o.features.get("other_clause")]
        if own:
            best = own[0]
    if best.mention.kind in ("admin1", "admin2", "region"):
        inner = [o for o in good[1:] if o.mention.kind in SPECIFIC_KINDS and o.score >= threshold]
        if inner:
            best = inner[0]
    quarters = [o for o in options if usable(o) and in_city(o.mention, best.mention)]
    if quarters:  # "in Aleppo city ... hit the neighbourhoods of A and B": the quarters, not their city
        best = min(quarters, key=lambda o: o.mention.start_char)
    chosen = [best]
    for o in options:
        if o is best or o.head is None or best.head is None or not usable(o):
            continue
        if _coordinated(best.head, o.head) and o.mention.kind in SPECIFIC_KINDS | {"admin2"}:
            chosen.append(o)
    chosen += [o for o in listed_with(best, [o for o in options if o is not best and usable(o)]) if o not in chosen]
    return [o.mention for o in sorted(chosen, key=lambda o: o.mention.start_char)]


LIST_GAP = re.compile(r"^(?:\s*(?:(?:areas?|towns?|villages?|neighbou?rhoods?|districts?|farms?|regions?)\s+)?"
                      r"(?:,|and(?:\s+(?:also\s+)?(?:near|around|at|in))?|&|as\s+well\s+as(?:\s+in)?|or|plus)?\s*(?:the\s+)?"
                      r"(?:(?:towns?|villages?|cities|city|neighbou?rhoods?|districts?|areas?|outskirts|vicinity|surroundings)\s+of\s+)?)$", re.I)


# "A and B in the southwestern countryside of Damascus C west of Damascus and D": a member of the list
# placed by a wider place; the list goes on after it (the wider place is no member).
QUALIFIER_KINDS = frozenset({"admin1", "admin2", "region"})
QUALIFIER_GAP = re.compile(
    r"^\s*(?:in|(?:to\s+the\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of|"
    r"in\s+the\s+(?:\w+\s+){0,2}?(?:countryside|outskirts|suburbs|parts?|desert)\s+of|"
    r"in\s+(?:the\s+)?(?:rural|northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|south-?western))"
    r"\s+(?:the\s+)?$", re.I)


def listed_with(best: PlaceOption, others: list[PlaceOption]) -> list[PlaceOption]:
    """Places written in one list with the chosen one ("in A, B and C", "A B and C" once commas are
    lost): only separators between neighbours, chained both ways."""
    text = text_of(best.head.doc) if best.head is not None else ""
    ordered = sorted([best, *others], key=lambda o: o.mention.start_char)
    at = ordered.index(best)
    out = []
    for step in (-1, 1):
        k = at
        while 0 <= k + step < len(ordered):
            a, b = sorted((ordered[k], ordered[k + step]), key=lambda o: o.mention.start_char)
            gap = text[a.mention.end_char : b.mention.start_char]
            if not (LIST_GAP.match(gap) or (b.mention.kind in QUALIFIER_KINDS and a.mention.kind in SPECIFIC_KINDS
                                            and QUALIFIER_GAP.match(gap))):
                break
            k += step
            # a list of towns, or of provinces said to be provinces ("in Raqqa and Deir ez-Zor provinces")
            if ordered[k].mention.kind in SPECIFIC_KINDS or (
                    ordered[k].mention.kind == best.mention.kind == "admin1" and _provinces_after(text, ordered)):
                out.append(ordered[k])
    return out


def _provinces_after(text: str, ordered: list[PlaceOption]) -> bool:
    last = max(o.mention.end_char for o in ordered if o.mention.kind == "admin1")
    return bool(re.match(r"\s+(?:provinces|governorates)\b", text[last:last + 16]))


def usable(o: PlaceOption) -> bool:
    f = o.features
    return not (f.get("abroad") or f.get("too_broad") or f.get("dateline") or f.get("in_actor") or f.get("excepted")
                or f.get("origin"))


def _coordinated(a: Token, b: Token) -> bool:
    """'in X, Y and Z': b is a conjunct of a (or both of one head), through compounds."""
    def top(t: Token) -> Token:
        while t.dep_ in ("compound", "flat") and t.head.i != t.i:
            t = t.head
        return t

    a, b = top(a), top(b)
    root = conj_root(a)
    conj = {c.i for c in root.subtree if c.dep_ == "conj" and top(c).i == c.i}
    return b.i in conj | {root.i} and b.i != a.i and (b.dep_ == "conj" or b.i == root.i)


# ---- actors --------------------------------------------------------------------------------------


def actor_relation(cand: Candidate, actor: ActorMention) -> str:
    """agent | target | source | other, from the actor's place in the tree relative to the event."""
    head = head_of(cand.sent, actor.start_char, actor.end_char)
    if head is None:
        return "other"
    while head.dep_ in ("compound", "amod") and head.head.i != head.i and head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head  # "Syrian regime forces": the actor's name modifies the noun that acts
    if actor.role == "source":
        return "source"
    if head.dep_ == "nsubj" and head.head.lemma_.lower() in (
            "say", "tell", "report", "claim", "accuse", "announce", "confirm", "state", "add", "blame", "deny"):
        return "source"
    toks = cand.tokens()
    lexical = _lexical_relation(cand, actor)
    if lexical:
        return lexical
    victims = {cand.sent.doc[t.nominal].i for t in cand.tolls}
    if _inside_any(head, victims):
        return "target"
    prep = governing_prep(head)
    if prep in ("against", "on", "targeting") and distance(head, cand.anchor) <= 4:
        return "target"
    if prep == "between":
        return "side"
    if head.dep_ == "conj" and governing_prep(conj_root(head)) == "between":
        return "side"
    if prep == "by" and min(distance(head, t) for t in toks) <= 3:
        return "agent"
    if prep == "with" and any(t.lemma_ in ("clash", "fight", "battle") for t in toks):
        return "side"
    for t in toks:
        if head.head.i == t.i and head.dep_ in AGENT_DEPS:
            return "agent"
        if head.head.i == t.head.i and head.dep_ == "nsubj" and t.dep_ in ("dobj", "pobj", "nsubj"):
            return "agent"  # "regime forces launched air strikes"
        if head.dep_ == "nsubj" and _pronoun_subject_of(t, head.head):
            return "agent"  # "government forces cut the road when they seized the hill": 'they' are the forces
        if head.head.i == t.i and head.dep_ in ("dobj", "nsubjpass") and t.lemma_.lower() in ATTACK_VERBS:
            return "target"
    return "other"


def _pronoun_subject_of(verb: Token, main: Token) -> bool:
    """The verb's subject is 'they' / 'it' and the verb hangs on `main` (a 'when', 'after' or 'and' clause)."""
    return verb.head.i == main.i and verb.dep_ in ("advcl", "conj") and any(
        c.dep_ == "nsubj" and c.lower_ in ("they", "it") for c in verb.children)


def _lexical_relation(cand: Candidate, actor: ActorMention) -> str | None:
    """What the words around say when the parse cannot be trusted (text that lost its commas):
    "rebel shelling", "regime air strikes" (the actor right before the attack word) and
    "shelling by / from regime forces" (right after it, behind "by" or "from")."""
    doc = cand.sent.doc
    for t in cand.triggers:
        start, end = doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1].text)
        if actor.start_char <= start < actor.end_char:
            return "agent"  # "Turkish air strikes", "regime warplanes": the actor's name holds the attack word
        gap_before = text_of(doc)[actor.end_char:start]
        if 0 <= start - actor.end_char <= 30 and AGENT_GAP_RE.fullmatch(gap_before):
            return "agent"  # "regime air strikes", "Syrian and Russian jets", "the regime/Russian terrorist attacks"
        gap_after = text_of(doc)[end:actor.start_char]
        if 0 <= actor.start_char - end <= 40 and re.fullmatch(r"\s+(?:\w+\s+){0,3}?(?:by|from)\s+(?:the\s+)?", gap_after):
            return "agent"
        if 0 <= actor.start_char - end <= 60 and BELIEVED_GAP_RE.fullmatch(gap_after):
            return "agent"  # "air raids believed to be Russian", "an attack believed to have been carried out by X"
    return None


BELIEVED_GAP_RE = re.compile(r"\s+(?:also\s+)?(?:believed|thought|suspected|said|reported|presumed)\s+to\s+(?:be|have\s+been)\s+"
                             r"(?:(?:carried\s+out|conducted|launched|fired|dropped)\s+)?(?:(?:by|from)\s+)?(?:the\s+)?")
AGENT_GAP_RE = re.compile(r"\s*(?:'s|’s|s)?\s*(?:(?:and|/)\s*[\w-]+\s+)?(?:(?:terrorist|deadly|heavy|fresh|renewed|new|"
                          r"indiscriminate|intense|intensive|brutal|barbaric|criminal|joint|suspected|alleged)\s+)?")


CLASHES_WITH_RE = re.compile(r"\b(?:clash(?:es|ed)?|fighting|fights?|battles?|combats?)\b.*\bwith\s+(?:the\s+)?$", re.I | re.S)


def _victims_named_first(cand: Candidate, targets: list[ActorMention], side: ActorMention) -> ActorMention | None:
    """'29 rebels were killed in clashes with regime troops': the dead are a side of the clash, named
    before the other, as in 'clashes between A and B' (codebook 2.4: the first named is actor 1)."""
    victims = {cand.sent.doc[t.nominal].i for t in cand.tolls}
    for t in targets:
        head = head_of(cand.sent, t.start_char, t.end_char)
        between = text_of(cand.sent.doc)[t.end_char:side.start_char]
        if t.end_char <= side.start_char and t.actor_id != side.actor_id and head is not None \
                and _inside_any(head, victims) and CLASHES_WITH_RE.search(between):
            return t
    return None


def _inside_any(head: Token, nominals: set[int]) -> bool:
    t = head
    for _ in range(3):
        if t.i in nominals:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def assign_actors(cand: Candidate, actors: list[ActorMention]) -> None:
    agents, targets, sides, sources = [], [], [], []
    relations = {id(a): actor_relation(cand, a) for a in actors}
    for a in actors:  # "Syrian and Russian jets", "regime and Russian air strikes": conjuncts share a role
        if relations[id(a)] == "other":
            partner = next((b for b in actors if b is not a and relations[id(b)] in ("agent", "target")
                            and _joined(text_of(cand.sent.doc), a, b)), None)
            if partner is not None:
                relations[id(a)] = relations[id(partner)]
    for a in actors:
        rel = relations[id(a)]
        {"agent": agents, "target": targets, "side": sides, "source": sources}.get(rel, []).append(a)
    if not agents and sides:
        first = _victims_named_first(cand, targets, sides[0])
        if first is not None:
            agents, targets = [first], [t for t in targets if t is not first] + sides
        else:
            agents, targets = [sides[0]], targets + sides[1:]
    agents, targets = _repelled(cand, actors, agents, targets)
    if not agents and _enemy_dead(cand, targets):
        # "Government forces said 18 IS fighters were killed": an armed party counting its enemy's dead
        # claims the killing (ACLED codes the claim with the claimant as actor 1)
        agents = [a for a in sources if a.role == "perpetrator" and a.actor_id not in {t.actor_id for t in targets}][:1]
        sources = [a for a in sources if a not in agents]
    agents = [_named_group(a, actors, text_of(cand.sent.doc)) for a in agents]
    cand.perpetrators = _dedupe(agents)
    cand.targets = _dedupe([t for t in targets if t.actor_id not in {a.actor_id for a in cand.perpetrators}])
    cand.sources = sources


REPEL_VERBS = frozenset({"repel", "repulse", "thwart", "foil", "defend", "fend", "counter"})
ARMED_SIDES = frozenset({"syrian_government", "russia", "iran", "iran_backed_militias", "hezbollah", "turkey", "hts",
                         "al_qaeda", "sna", "fsa", "rebels", "islamic_state", "sdf", "us_coalition", "israel"})


def _repelled(cand: Candidate, actors: list[ActorMention], agents: list, targets: list) -> tuple[list, list]:
    """'The SDF repelled ISIL's offensive ... killing 35', 'the army killed 60 Daesh terrorists while
    defending the city', 'army units thwarted an attack by al-Nusra': the side that attacked is the
    perpetrator (ACLED's actor 1), the side that held is its target."""
    verbs = [t for tok in cand.tokens() for t in [tok, *list(tok.ancestors)[:3], *tok.children]
             if t.pos_ == "VERB" and t.lemma_.lower() in REPEL_VERBS]
    if not verbs:
        return agents, targets
    held = {a.actor_id for a in actors if any(_subject_of(a, cand.sent, v) for v in verbs)}
    attackers = sorted((a for a in actors if a.actor_id in ARMED_SIDES and a.actor_id not in held and a.role != "source"),
                       key=lambda a: (a.actor_id in GENERIC_GROUPS, a.start_char))  # ISIL before "terrorists"
    if not held or not attackers:
        return agents, targets
    defenders = [a for a in actors if a.actor_id in held]
    return attackers[:1], [t for t in targets if t.actor_id not in {attackers[0].actor_id}] + defenders[:1]


def _subject_of(actor: ActorMention, sent: Span, verb: Token) -> bool:
    head = head_of(sent, actor.start_char, actor.end_char)
    while head is not None and head.dep_ in ("compound", "amod") and head.head.i != head.i:
        head = head.head
    if head is None:
        return False
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "agent")), None)
    if subject is None and verb.dep_ in ("advcl", "xcomp", "conj"):  # "killed 60 ... while defending": the killer's
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return subject is not None and (head.i == subject.i or head.i in {t.i for t in subject.subtree})


AFFILIATED_RE = re.compile(r"\s*,?\s*(?:(?:who\s+(?:are|were)\s+)?(?:affiliated|associated|linked|allied)\s+(?:with|to)|"
                           r"belonging\s+to|loyal\s+to|members\s+of|from|of)\s+(?:the\s+)?$", re.I)
GENERIC_GROUPS = frozenset({"rebels"})
# the rebels' words that stand for a coalition; a named group ("Ahrar al-Sham") is not one
REBEL_WORDS = frozenset({"rebels", "rebel", "rebel groups", "rebel forces", "rebel fighters", "opposition fighters",
                         "opposition forces", "opposition groups", "armed groups", "terrorists", "terrorist groups",
                         "terrorist organizations", "terrorist", "terrorist group", "terrorist organization", "insurgents",
                         "militants", "jihadists"})


def _named_group(agent: ActorMention, actors: list[ActorMention], text: str) -> ActorMention:
    """'terrorists affiliated with Jabhat al-Nusra', 'rebels of the Army of Conquest': the group named
    after a generic word is who acted."""
    if agent.actor_id not in GENERIC_GROUPS:
        return agent
    for b in actors:
        if b.start_char > agent.end_char and b.actor_id != agent.actor_id and b.role == "perpetrator" \
                and b.start_char - agent.end_char <= 40 and AFFILIATED_RE.fullmatch(text, agent.end_char, b.start_char):
            return b
        if agent.text.lower() in REBEL_WORDS and b.end_char <= agent.start_char and b.actor_id in NAMED_GROUPS and b.role == "perpetrator" \
                and agent.start_char - b.end_char <= 60 and NAMED_BEFORE_RE.fullmatch(text, b.end_char, agent.start_char):
            return b  # "Jabhat al-Nusra terrorists", "al-Nusra Front (Qaeda branch in the Levant) terrorists"
    return agent


# armed groups with a name of their own, which a generic word after the name ("Nusra terrorists") stands for
NAMED_GROUPS = frozenset({"hts", "al_qaeda", "islamic_state", "sna", "fsa"})
NAMED_BEFORE_RE = re.compile(r"\s*(?:'s|’s|s)?\s*(?:\([^()]{0,50}\)\s*)?(?:-?\s*(?:affiliated|linked|backed|led|allied)\s+)?")


def _enemy_dead(cand: Candidate, targets: list[ActorMention]) -> bool:
    return bool(targets) and any(t.group == "fighters" or t.role == "killed" for t in cand.tolls)


def _joined(text: str, a: ActorMention, b: ActorMention) -> bool:
    first, second = sorted((a, b), key=lambda m: m.start_char)
    return bool(re.fullmatch(r"\s*(?:,|and|&|/|or)\s*(?:the\s+)?", text[first.end_char : second.start_char]))


def _dedupe(actors: list[ActorMention]) -> list[ActorMention]:
    seen, out = set(), []
    for a in actors:
        if a.actor_id not in seen:
            seen.add(a.actor_id)
            out.append(a)
    return out


# ---- dates ---------------------------------------------------------------------------------------


def choose_date(cand: Candidate, dates: list[DateMention]) -> DateMention | None:
    """The date mention nearest the event in the tree: a day the event is told on beats the day a
    source spoke ("the monitor said Saturday"), a day beats a month or a year."""
    best, best_key = None, None
    toks = cand.tokens()
    cand.date_reported = False
    for d in dates:
        head = head_of(cand.sent, d.start_char, d.end_char)
        if head is None:
            continue
        if in_relative_clause(head, toks):
            continue
        reported = reported_day(head) and not _fronted_before_source(head, toks)
        dist = min(distance(head, t) for t in toks)
        rank = 0 if d.kind in ("absolute", "month_day", "weekday", "relative") and d.precision == "day" else 1
        # a date in the event's own clause beats one told of the sentence's other clause ("On Monday air
        # strikes killed 23 in the town ... ever since rebels seized it two years ago": the seizure's date)
        apart = all(crosses_clause(t, head) for t in toks)
        key = (reported, apart, rank, dist)
        if best_key is None or key < best_key:
            best, best_key = d, key
    cand.date_reported = bool(best_key and best_key[0])
    return best


def in_relative_clause(head: Token, toks: list[Token]) -> bool:
    """A day told of something else by a relative clause the event is not in ("the assault was launched
    despite a truce that went into effect early Sunday"): Sunday is the truce's."""
    ids = {t.i for t in toks}
    t = head
    for _ in range(8):
        if t.i in ids:
            return False
        if t.dep_ == "relcl" and t.pos_ in ("VERB", "AUX"):
            return t.head.i not in ids and not any(x.i in ids for x in t.subtree)
        if t.head.i == t.i:
            return False
        t = t.head
    return False


SPEECH_LEMMAS = frozenset({"say", "tell", "report", "announce", "add", "confirm", "state", "quote", "cite", "note", "declare"})


def reported_day(head: Token) -> bool:
    """A day that hangs from a speech verb ("said Saturday", "told AFP on Monday"): when the source
    spoke, which is the event's day only when nothing better is said."""
    t = head
    for _ in range(3):
        if t.dep_ in ("pobj",) and t.head.i != t.i:
            t = t.head
            continue
        if t.head.i == t.i:
            return False
        return t.head.lemma_.lower() in SPEECH_LEMMAS
    return False


def _fronted_before_source(head: Token, toks: list[Token]) -> bool:
    """'On July 31 a tank-backed assault killed 80 people in Hama, rights groups said': a day put before
    the event, with the source named after it, is the event's day even when the parse hangs it on 'said'."""
    verb = head
    while verb.head.i != verb.i and verb.lemma_.lower() not in SPEECH_LEMMAS:
        verb = verb.head
    told = [t for t in toks if t.lemma_.lower() not in SPEECH_LEMMAS]
    return bool(told) and head.i < min(t.i for t in told) and verb.i > max(t.i for t in told)


def sentence_mentions(sent: Span, mentions: list) -> list:
    return [m for m in mentions if sent.start_char <= m.start_char < sent.end_char]


# ---- a place told earlier: "the town", "the base" ----------------------------------------------------

ANAPHOR_RE = re.compile(
    r"\b(?:the|this|that|their|its)\s+(?:(?:besieged|embattled|rebel-held|opposition-held|government-held|"
    r"regime-held|strategic|nearby|same|northern|southern|eastern|western|key|border|flashpoint|"
    r"(?:northern|southern|eastern|western)ern)\s+)?(?P<noun>town|village|city|base|air\s*base|airbase|airport|airfield|"
    r"road|highway|camp|neighbou?rhood|district)\b(?!\s+of\b)", re.I)
ANAPHOR_KINDS = {
    "town": ("community", "admin3", "admin2", "unresolved"),
    "village": ("community", "admin3", "unresolved"),
    "city": ("community", "admin1", "admin2", "unresolved"),
    "neighbourhood": ("neighbourhood", "community", "unresolved"),
    "neighborhood": ("neighbourhood", "community", "unresolved"),
    "district": ("neighbourhood", "admin3", "admin2", "unresolved"),
    "road": ("road",),
    "highway": ("road",),
}
FACILITY_WORDS = {"base": ("base", "airport", "airbase", "division", "brigade", "regiment"),
                  "airport": ("airport", "airbase", "air base", "airfield"), "camp": ("camp",)}
ANAPHOR_REACH = 1500  # characters back: about five sentences
# "in the same square", "in the same areas": a place word of any kind that says outright it is the place
# told just before, so it points back to the latest place mention, whatever that place's kind
SAME_PLACE_RE = re.compile(
    r"\b(?:the|that)\s+(?:very\s+)?same\s+(?P<noun>square|area|areas|street|market|spot|place|location|site|"
    r"neighbou?rhoods?|districts?|towns?|villages?|city|quarter)\b", re.I)


def _fits(noun: str, m: PlaceMention) -> bool:
    noun = re.sub(r"\s+", "", noun.lower())
    if noun in ("airbase", "airfield"):
        noun = "airport"
    if noun in FACILITY_WORDS:
        return any(w in m.text.lower() for w in FACILITY_WORDS[noun])
    return m.kind in ANAPHOR_KINDS.get(noun, ())


def anaphor_place(sent: Span, places: list[PlaceMention], doc_model) -> PlaceMention | None:
    """The place a definite noun of the sentence points back to ("the town was shelled", "killed in the
    city"): the latest earlier mention of a place of that kind within a few sentences, as a coder
    reads on. Never the dateline's place, a place abroad or a whole country or region."""
    same = SAME_PLACE_RE.search(sent.text)
    m = same or ANAPHOR_RE.search(sent.text)
    if m is None:
        return None
    noun = m.group("noun")
    start = sent.start_char
    for p in reversed(places):
        if p.end_char > start:
            continue
        if start - p.start_char > ANAPHOR_REACH:
            break
        if doc_model is not None and doc_model.in_dateline(p.start_char, p.end_char):
            continue
        if p.kind in ("country", "region") or _abroad(p):
            continue
        if _fits(noun, p) or (same is not None and _same_fits(noun, p)):
            return p
    return None


SAME_ANY = frozenset({"area", "areas", "place", "spot", "location", "site"})


def _same_fits(noun: str, m: PlaceMention) -> bool:
    """'the same square' is a place named with that word ('Siouf square'); 'the same area' is any place."""
    noun = noun.lower()
    return noun in SAME_ANY or noun.rstrip("s") in m.text.lower()

