"""Candidate events of one sentence: triggers clustered on the parse, tolls attached to them.

A cluster is the set of triggers that tell one event: an event word and the instrument or
generic verb next to it in the tree ("Russian warplanes pounded", "shelled ... with rockets",
"captured X after clashes"). Each casualty count attaches to the cluster nearest to its
predicate in the tree; a count near no trigger starts a cluster of its own (a casualty report
whose event type the document context gives). Arguments (place, actors, date) are chosen in
arguments.py; which candidates are events of this article is decided in assemble.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from conflictwatch.nlp.events.lexicon import TriggerMatch
from conflictwatch.nlp.events.tolls import Toll
from conflictwatch.nlp.kit.syntax import conj_root, distance, modality, path, timed_links

# Which type a cluster takes when it holds several (the most specific way the harm was done).
TYPE_PRIORITY = (
    "Chemical weapon", "Suicide bomb", "Air/drone strike", "Shelling/artillery/missile attack", "Grenade",
    "Remote explosive/landmine/IED", "Abduction/forced disappearance", "Sexual violence", "Armed clash", "Attack",
)
LINK_DISTANCE = 3  # triggers this close in the tree tell one event
DELIVERY = ("Air/drone strike", "Shelling/artillery/missile attack")  # the two means told side by side
GROUND_FIRE = frozenset({"artillery", "missile", "rocket", "mortar", "tank", "shell"})


@dataclass
class Candidate:
    """One event a sentence may report, with what the parse ties to it."""

    sent_index: int
    sent: Span
    triggers: list[TriggerMatch] = field(default_factory=list)
    tolls: list[Toll] = field(default_factory=list)
    sub_event_type: str | None = None
    territory: bool = False
    generic_only: bool = False
    # filled in by arguments.py / assemble.py
    place_options: list = field(default_factory=list)
    places: list = field(default_factory=list)  # chosen PlaceMention(s); several = one event each
    weak_places: list = field(default_factory=list)  # usable places the linker finds unlikely but possible
    anaphor: object | None = None  # the place "the town" / "the base" points back to (arguments.anaphor_place)
    place_from: str | None = None  # sentence | context | headline
    perpetrators: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    date: object | None = None  # DateMention
    date_reported: bool = False  # the date is the day a source spoke, not the event's
    date_from: str | None = None
    features: dict = field(default_factory=dict)
    score: float = 0.0
    role: str | None = None  # event | tally | background | claim | drop
    merged: list = field(default_factory=list)  # candidates told again and merged in
    breakdown: list = field(default_factory=list)  # breakdown.PlaceCount: the toll place by place

    @property
    def anchor(self) -> Token:
        """The token the event hangs on: its first event trigger, else any trigger, else its count's predicate."""
        for kinds in (("event", "territory"), ("generic", "instrument")):
            for t in self.triggers:
                if t.kind in kinds:
                    return self.sent.doc[t.head]
        if self.tolls:
            return self.sent.doc[self.tolls[0].anchor]
        return self.sent.root

    def tokens(self) -> list[Token]:
        doc = self.sent.doc
        toks = [doc[t.head] for t in self.triggers] + [doc[t.anchor] for t in self.tolls]
        for t in list(toks):
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and t.head.pos_ == "VERB":
                toks.append(t.head)  # "clashes took place", "launched air strikes"
        return toks or [self.sent.root]

    @property
    def start_char(self) -> int:
        return min(t.idx for t in self.tokens())

    def killed(self) -> Toll | None:
        return next((t for t in self.tolls if t.role == "killed"), None)

    def injured(self) -> Toll | None:
        return next((t for t in self.tolls if t.role == "injured"), None)


def _connected(a: TriggerMatch, b: TriggerMatch, doc) -> bool:
    ta, tb = doc[a.head], doc[b.head]
    reach = LINK_DISTANCE + (1 if "instrument" in (a.kind, b.kind) else 0)
    if distance(ta, tb) > reach:
        return False
    if crosses_clause(ta, tb) or _across_time_link(ta, tb):
        return False  # "... killing nine, after rebels launched an assault": another clause tells another event
    # two events of different types coordinated ("air strikes and shelling") stay apart
    return not (a.kind == b.kind == "event" and a.sub_event_type != b.sub_event_type and (ta.dep_ == "conj" or tb.dep_ == "conj"))


def crosses_clause(a: Token, b: Token) -> bool:
    """The tree path between two words enters a finite clause of its own: a relative or complement
    clause, or an adverbial one opened by a subordinator ("after", "while", "as")."""
    left, right = path(a, b)
    for t in left[:-1] + right[:-1]:
        if t.dep_ in ("relcl", "ccomp") or (t.dep_ == "advcl" and any(c.dep_ == "mark" for c in t.children)):
            return True
    return False


def _across_time_link(a: Token, b: Token) -> bool:
    """'The shelling comes two days after the bombing': 'after' / 'before' with a duration between them
    orders two events in time."""
    left, right = path(a, b)
    return any(timed_links(t) for t in left + right)


def _near(a: Token, b: Token) -> bool:
    """Two counts close in the tree and in one clause belong to one report."""
    return distance(a, b) <= 3 and not crosses_clause(a, b)


def cluster_triggers(sent: Span, triggers: list[TriggerMatch]) -> list[list[TriggerMatch]]:
    """Union of triggers linked in the tree; casualty words are not triggers here."""
    doc = sent.doc
    items = [t for t in triggers if t.kind != "casualty"]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if _connected(items[i], items[j], doc):
                parent[find(i)] = find(j)
    groups: dict[int, list[TriggerMatch]] = {}
    for i, t in enumerate(items):
        groups.setdefault(find(i), []).append(t)
    return sorted([part for g in groups.values() for part in _split_coordinated(g, doc)], key=lambda g: g[0].start)


def _split_coordinated(group: list[TriggerMatch], doc) -> list[list[TriggerMatch]]:
    """'Air strikes and artillery shelling hit X', 'warplanes and artillery pounded X', 'aerial and
    artillery bombardment': an air attack and shelling coordinated with each other are two events
    (codebook 2.3), though a shared word links them; each keeps the words of its own type, the shared
    words go with the first."""
    events = [t for t in group if t.kind in ("event", "instrument") and t.sub_event_type in DELIVERY]
    heads = []
    for t in events:
        if all(t.sub_event_type != h.sub_event_type for h in heads) and any(
                _conjoined(doc[t.head], doc[h.head]) for h in events if h.sub_event_type != t.sub_event_type):
            heads.append(t)
    if len(heads) < 2:
        return [group]
    parts: list[list[TriggerMatch]] = [[h] for h in heads]
    for t in group:
        if t in heads:
            continue
        same = [p for p in parts if p[0].sub_event_type == t.sub_event_type]
        (same[0] if same else parts[0]).append(t)
    return [sorted(p, key=lambda t: t.start) for p in parts]


def _conjoined(a: Token, b: Token) -> bool:
    """One is a conjunct of the other (both in one coordination), or the first of a list that lost its
    comma ("aerial artillery and missile bombardment": aerial, artillery and missile)."""
    if conj_root(a).i == conj_root(b).i and (a.dep_ == "conj" or b.dep_ == "conj"):
        return True
    first, second = sorted((a, b), key=lambda t: t.i)
    return first.lower_ == "aerial" and second.i == first.i + 1 and first.head.i == second.i \
        and second.lemma_.lower() in GROUND_FIRE  # not "aerial bombardment"


def _fold_clashes(groups: list[list[TriggerMatch]], doc) -> list[list[TriggerMatch]]:
    """'X captured Z after clashes': a change of control that came with fighting is one event (codebook 2.1),
    unless the fighting has a clause of its own ('took A while battles raged in B'): another event."""
    territory = [g for g in groups if any(t.kind == "territory" for t in g)]
    if len(territory) != 1:
        return groups
    clashes = [g for g in groups if g is not territory[0] and all(t.sub_event_type in ("Armed clash", None) for t in g)
               and any(t.sub_event_type == "Armed clash" for t in g) and not any(_own_clause(doc[t.head]) for t in g)
               and not _relative_apart(territory[0], g, doc)]
    if not clashes:
        return groups
    merged = territory[0] + [t for g in clashes for t in g]
    return [g for g in groups if g is not territory[0] and g not in clashes] + [sorted(merged, key=lambda t: t.start)]


INTENT_NOUNS = frozenset({"aim", "goal", "bid", "attempt", "effort", "plan", "intention", "hope", "objective", "push",
                          "drive", "order"})


def _intended(tok: Token) -> bool:
    """'with the aim of recapturing X', 'in a bid to retake X', 'an offensive to capture X', 'plans to seize X':
    a change of control aimed at, not one that happened."""
    if modality(tok) is not None:
        return True
    if tok.dep_ == "pcomp" and tok.head.lower_ in ("of", "at", "toward", "towards") and tok.head.head.lemma_.lower() in INTENT_NOUNS:
        return True
    return tok.dep_ in ("acl", "advcl", "xcomp", "relcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _relative_apart(a: list[TriggerMatch], b: list[TriggerMatch], doc) -> bool:
    """Every tree path between the two groups' words enters a relative clause."""
    def crosses(x: TriggerMatch, y: TriggerMatch) -> bool:
        left, right = path(doc[x.head], doc[y.head])
        return any(t.dep_ == "relcl" for t in left[:-1] + right[:-1])

    return all(crosses(x, y) for x in a for y in b)


def _own_clause(tok) -> bool:
    """'while battles raged in B': the fighting is the subject of a clause of its own (opened by a subordinator)."""
    verb = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass") and verb.pos_ in ("VERB", "AUX") and verb.dep_ in ("advcl", "conj") \
        and (verb.dep_ == "conj" or any(c.dep_ == "mark" for c in verb.children))


def _fold_generic(groups: list[list[TriggerMatch]], doc) -> list[list[TriggerMatch]]:
    """A generic word ("a separate attack") in a sentence that tells one kind of attack is that attack,
    unless one of them is told in a relative clause of its own ("operations to expel them from the
    neighbourhoods they infiltrated on June 24th", "towns including X where an attack took place on
    19 September"): that clause tells another, earlier event."""
    specific = [g for g in groups if any(t.kind in ("event", "territory") for t in g)]
    generic = [g for g in groups if all(t.kind in ("generic",) for t in g)]
    if len(specific) != 1 or not generic:
        return groups
    generic = [g for g in generic if not _relative_apart(specific[0], g, doc)]
    if not generic:
        return groups
    merged = specific[0] + [t for g in generic for t in g]
    return [g for g in groups if g is not specific[0] and g not in generic] + [sorted(merged, key=lambda t: t.start)]


OUTCOME_WORDS = frozenset({"massacre"})  # what an attack did, not how: told by the sentence's means


def _fold_means(sent: Span, groups: list[list[TriggerMatch]]) -> list[list[TriggerMatch]]:
    """One attack told by its agent and its means: gas dropped by aircraft or fired in shells is one
    chemical attack ("a helicopter struck X with chlorine"), and a massacre told with one means of
    attack ("a massacre in X ... in a barrel bomb attack") is an attack of that means (codebook 2.1:
    how it was carried out decides the type)."""
    def types(g):
        return {t.sub_event_type for t in g if t.sub_event_type and t.kind in ("event", "instrument")}

    doc = sent.doc
    chemical = [g for g in groups if "Chemical weapon" in types(g)]
    if len(chemical) == 1:
        carriers = [g for g in groups if g is not chemical[0] and types(g) and types(g) <= set(DELIVERY)]
        groups = [g for g in groups if g not in carriers and g is not chemical[0]] + [
            sorted(chemical[0] + [t for g in carriers for t in g], key=lambda t: t.start)]
    outcome = [g for g in groups if all(doc[t.head].lemma_.lower() in OUTCOME_WORDS for t in g if t.kind == "event")
               and any(t.kind == "event" for t in g)]
    means = [g for g in groups if g not in outcome and types(g) - {"Attack", "Armed clash"}]
    if outcome and len(means) == 1:
        groups = [g for g in groups if g not in outcome and g is not means[0]] + [
            sorted(means[0] + [t for g in outcome for t in g], key=lambda t: t.start)]
    return sorted(groups, key=lambda g: g[0].start)


def cluster_type(triggers: list[TriggerMatch], doc) -> tuple[str | None, bool, bool]:
    """(sub_event_type, is a territory change, only generic words)."""
    kinds = {t.kind for t in triggers}
    if "territory" in kinds:
        return None, True, False
    if _aircraft_shelled(triggers, doc):
        return "Air/drone strike", False, False
    means = [t.sub_event_type for t in triggers if t.kind == "instrument" and t.sub_event_type]
    for want in ("event", "instrument", "generic"):
        types = [t.sub_event_type for t in triggers if t.kind == want and t.sub_event_type]
        if want == "event" and means and set(types) == {"Attack"}:
            types = means  # "a massacre carried out by warplanes": the means says how the harm was done
        if types:
            return min(types, key=TYPE_PRIORITY.index), False, want == "generic"
    return None, False, True


def _aircraft_shelled(triggers: list[TriggerMatch], doc) -> bool:
    """'The Air Force shelled X', 'X was bombarded by warplanes': an aircraft that shells strikes from the air."""
    shelling = {t.head for t in triggers if t.kind in ("event", "generic") and t.sub_event_type == "Shelling/artillery/missile attack"}
    if not shelling or any(t.kind == "event" and t.sub_event_type not in (None, "Shelling/artillery/missile attack")
                           for t in triggers):
        return False
    for t in triggers:
        if t.kind != "instrument" or t.sub_event_type != "Air/drone strike":
            continue
        tok = doc[t.head]
        head = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "by" else tok.head
        if (tok.dep_ == "nsubj" or tok.dep_ == "pobj") and head.i in shelling:
            return True
    return False


def _nearest(cands: list[Candidate], tok: Token) -> tuple[Candidate | None, int]:
    """The candidate nearest the word in the tree; one in the word's own clause before one in
    another ("45 were killed in air strikes after rebels fired mortar rounds": the strikes')."""
    best, best_key = None, (True, 99)
    for c in cands:
        key = min((crosses_clause(tok, t), distance(tok, t)) for t in [c.sent.doc[x.head] for x in c.triggers])
        if key < best_key:
            best, best_key = c, key
    return best, best_key[1]


def build(sent: Span, sent_index: int, triggers: list[TriggerMatch], tolls: list[Toll]) -> list[Candidate]:
    """The sentence's candidates: one per trigger cluster, plus one per orphan count."""
    cands = []
    triggers = [t for t in triggers if not (t.kind == "territory" and _intended(sent.doc[t.head]))]
    for group in _fold_clashes(_fold_means(sent, _fold_generic(cluster_triggers(sent, triggers), sent.doc)), sent.doc):
        sub, territory, generic = cluster_type(group, sent.doc)
        if all(t.kind == "instrument" for t in group) and not _instrument_acts(sent, group, triggers):
            continue
        cands.append(Candidate(sent_index, sent, list(group), sub_event_type=sub, territory=territory, generic_only=generic))
    orphans: list[Toll] = []
    for toll in tolls:
        best, _ = _nearest(cands, sent.doc[toll.anchor])
        if best is not None:  # a sentence's counts belong to its event, the nearest one if it tells several
            best.tolls.append(toll)
        else:
            orphans.append(toll)
    for toll in orphans:
        same = next((c for c in cands if not c.triggers and c.tolls and c.tolls[0].anchor == toll.anchor), None)
        if same is None:
            same = next((c for c in cands if not c.triggers and c.tolls and _near(
                sent.doc[c.tolls[0].anchor], sent.doc[toll.anchor])), None)
        if same is not None:
            same.tolls.append(toll)
        else:
            cands.append(Candidate(sent_index, sent, [], [toll]))
    for c in cands:
        c.tolls = _one_per_role(c.tolls)
    return cands


def _instrument_acts(sent: Span, group: list[TriggerMatch], triggers: list[TriggerMatch] = ()) -> bool:
    """A weapon alone is an event when it acts: subject of a verb, or object of 'dropped/fired' (or a
    conjunct of one that does: "warplanes and artillery pounded X"), or the word that says how an
    attack word of the sentence was made ("aerial and artillery bombardment")."""
    doc = sent.doc
    attack_words = {t.head for t in triggers if t.kind in ("event", "generic") and t not in group}
    for t in group:
        tok = _counted(conj_root(doc[t.head]))
        if tok.dep_ in ("amod", "compound") and (tok.head.i in attack_words or tok.head.head.i in attack_words):
            return True  # "aerial and artillery bombardment", "aerial artillery and missile bombardment"
        if tok.dep_ in ("nsubj", "nsubjpass", "agent") or (tok.dep_ == "pobj" and tok.head.lower_ == "by"):
            return True
        if tok.dep_ == "dobj" and tok.head.lemma_ in ("drop", "fire", "launch", "use", "hurl", "lob"):
            return True
    return False


QUANTITY_NOUNS = frozenset({"dozen", "dozens", "hundred", "hundreds", "score", "scores", "number", "volley",
                            "series", "wave", "hail", "rain", "string", "handful"})


def _counted(tok):
    """'Dozens of shells fell on X': the weapon counted by a quantity word acts through it."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in QUANTITY_NOUNS:
        return tok.head.head
    return tok


def _one_per_role(tolls: list[Toll]) -> list[Toll]:
    """One killed and one injured count per candidate: the first exact figure, else the first."""
    out = []
    for role in ("killed", "injured", "displaced"):
        mine = [t for t in tolls if t.role == role]
        if mine:
            exact = [t for t in mine if t.value is not None]
            out.append(exact[0] if exact else mine[0])
    return out
