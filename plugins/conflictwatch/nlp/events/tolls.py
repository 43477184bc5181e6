"""Casualty counts read off the parse: which number counts the dead or the injured, and of whom.

A toll is a number (or a vague quantity, or people counted by their nouns: "a woman and her
daughter") whose nominal is an argument of a casualty predicate: the subject of "were killed",
the object of "killing", "N dead", "the deaths of N", "the toll rose to N", "left N dead".
Subsets ("including four children", "among them two women") are folded into the count they
qualify; coordinated counts ("killing five civilians and three fighters") add up. Where the
parse attaches nothing, a short token pattern ("15 civilians killed") is the fallback.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.attrs import LEMMA
from spacy.tokens import Span, Token

from conflictwatch.nlp.kit import numbers as nums
from conflictwatch.nlp.kit.spans import text_of
from conflictwatch.nlp.kit.syntax import char_arrays

KILLED_VERBS = frozenset({"kill", "die", "perish", "martyr", "slay", "slaughter", "execute", "behead", "massacre",
                          "assassinate", "murder", "shoot", "eliminate", "neutralize", "neutralise"})
INJURED_VERBS = frozenset({"wound", "injure", "hurt", "maim"})
KILLED_NOUNS = frozenset({"dead", "death", "deaths", "fatality", "fatalities", "body", "bodies", "martyr", "martyrs",
                          "toll", "killed", "life", "lives", "martyrdom", "killing"})
DISPLACED_VERBS = frozenset({"flee", "displace", "uproot"})
INJURED_NOUNS = frozenset({"injured", "wounded", "injury", "injuries", "wound", "wounds", "suffocation",
                           "difficulty", "difficulties"})
SUBSET_PREPS = frozenset({"including", "include", "among", "amongst", "of"})
CHILD = frozenset(w.lower() for w in nums.CHILD_NOUNS)
WOMEN = frozenset(w.lower() for w in nums.WOMEN_NOUNS)
FIGHTERS = frozenset(w.lower() for w in nums.FIGHTER_NOUNS)
PERSONS = frozenset(w.lower() for w in nums.PERSON_NOUNS) | {"dead", "wounded", "injured", "killed", "others", "other"}
_OF_WHOM_RE = re.compile(
    r"\b(?P<n>[\w-]+)\s+of\s+(?:whom|them)\s+(?:were\s+|are\s+|being\s+)?(?P<who>children|women|kids|minors|boys|girls)\b", re.I
)
# "..., bringing the number killed in 24 hours of bombardment to 45", "The downing brought the toll for Russian
# soldiers killed in the conflict to 18": the count is a running total, not the figure of the event told
_RUNNING_RE = re.compile(r"\b(?:bring|brings|bringing|brought|rais(?:e|es|ed|ing)|push(?:es|ed|ing)?|tak(?:e|es|ing)|took)\s+"
                         r"(?:the|its|their)\s+(?:overall\s+|total\s+|death\s+|casualty\s+)*(?:toll|number|total|tally)\b"
                         r"[^.;]{0,90}?\bto\s+(?:at\s+least\s+|more\s+than\s+|over\s+|nearly\s+|about\s+|some\s+)?$", re.I)
_NO_ONE_RE = re.compile(r"\b(?:no|not\s+a\s+single)\s+$", re.I)
# "One of those killed was (a name)", "two of the dead were ...": who some of a count told elsewhere were
_PARTITIVE_RE = re.compile(r"^\s+of\s+(?:those|the)\s+(?:killed|dead|victims)\s+(?:was|were|is|are)\b", re.I)
_PLACED_PART_RE = re.compile(r"^\s+of\s+(?:those|the)\s+\w+\s+(?:was|were)\s+(?:killed|wounded|injured)\b", re.I)
_PART_OF_RE = re.compile(r"^\s+of\s+(?:those|the)\s+(?:killed|dead|victims|fatalities)\b", re.I)
_AFTER_RE = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,3}?(?P<w>killed|dead|died|wounded|injured|hurt|martyred|eliminated|"
    r"(?:have\s+|has\s+|had\s+)?lost\s+(?:their|his|her)\s+(?:life|lives)|suffered\s+(?:breathing|respiratory))\b",
    re.I)
_BEFORE_RE = re.compile(
    r"\b(?P<w>kill(?:ed|ing|s)|wound(?:ed|ing|s)|injur(?:ed|ing|es)|eliminat(?:ed|ing)|claim(?:ed|ing)\s+the\s+lives\s+of|"
    r"lives\s+of|suffocation\s+cases\s+for|(?:caus|leav)(?:ed|ing)\s+(?:cases\s+of\s+)?(?:suffocation|asphyxiation|choking|"
    r"breathing\s+difficult(?:y|ies))\s+(?:cases\s+)?(?:for|to|among|in))"
    r"\s+(?:(?:at\s+least|more\s+than|about|around|some|nearly|over|up\s+to)\s+)?$",
    re.I,
)


@dataclass
class Toll:
    role: str  # killed | injured | displaced
    value: int | None  # exact figure (None when vague)
    low: int | None
    high: int | None
    vague: str | None  # "dozens", "several": not a figure
    start_char: int
    end_char: int
    nominal: int  # token index of what is counted
    anchor: int  # token index of the casualty predicate
    group: str = "people"  # children | women | fighters | civilians | people
    children: int | None = None
    women: int | None = None
    parts: list[int] = field(default_factory=list)  # token indexes of coordinated counts added in
    partitive: bool = False  # "10 of the dead were killed in X": a part of a count told before
    adds: bool = False  # "Two militiamen were also killed": more dead of an event told before, added to its figure
    running: bool = False  # "bringing the death toll to N": a running total over more than the event told

    @property
    def best(self) -> int | None:
        return self.value


def _role_of_lemma(lemma: str) -> str | None:
    if lemma in KILLED_VERBS or lemma in KILLED_NOUNS:
        return "killed"
    if lemma in INJURED_VERBS or lemma in INJURED_NOUNS:
        return "injured"
    if lemma in DISPLACED_VERBS:
        return "displaced"
    return None


def _nominal(num_tok: Token) -> Token:
    """What the number counts: its head noun, or (when the parse hung it elsewhere, as text without
    commas makes it do: "in Daraa 15 civilians were killed") the person noun right after it."""
    doc = num_tok.doc
    for k in range(num_tok.i + 1, min(len(doc), num_tok.i + 4)):
        t = doc[k]
        if t.lower_ in PERSONS or t.lemma_.lower() in PERSONS:
            return t
        if t.pos_ not in ("ADJ", "NUM") and t.lower_ not in ("more", "other", "of", "the"):
            break
    if num_tok.dep_ in ("nummod", "quantmod", "amod", "compound") and num_tok.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        head = num_tok.head
        while head.dep_ == "compound" and head.head.pos_ in ("NOUN", "PROPN") and head.head.i > head.i:
            head = head.head  # "Fifteen SARC volunteers", "four YPG fighters": the number hung on the name
        return head
    return num_tok


def _counted(tok: Token) -> Token:
    """The noun a number word of a person count is hung on ("the killing of one person": "person")."""
    return tok.head if tok.dep_ == "nummod" and tok.head.pos_ in ("NOUN", "PROPN") else tok


def _is_person(nominal: Token, num_tok: Token) -> bool:
    if nominal.i == num_tok.i:
        return True
    word = nominal.lower_
    if word in PERSONS or nominal.lemma_.lower() in PERSONS or _role_of_lemma(nominal.lemma_.lower()):
        return True
    # "dozens of people", "15 of the injured": the noun after "of"
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ in PERSONS for g in c.children) for c in nominal.children)


def _qualifies_a_thing(tok: Token) -> bool:
    """A person word that modifies a noun naming no person ("rebel" in "a rebel rocket attack", "soldier's"
    in "a soldier's car bomb")."""
    head = tok.head
    return tok.dep_ in ("compound", "poss", "nmod", "amod") and head.i != tok.i and head.pos_ in ("NOUN", "PROPN") \
        and not _is_person(head, head.head if head.head.i != head.i else tok)


def _role_by_parse(nominal: Token) -> tuple[str, Token] | None:
    """The casualty predicate the nominal is an argument of, within a short walk up the tree."""
    own = _role_of_lemma(nominal.lemma_.lower())
    if own and nominal.lower_ not in ("body", "life"):
        return own, nominal  # "30 deaths", "three dead", "5 wounded"
    # "16 people killed", "three dead"; not "killing 5 terrorists injuring 15 others", where the
    # clause hung on the count is the next casualty predicate
    direct = nominal.dep_ in ("dobj", "nsubjpass") and _role_of_lemma(nominal.head.lemma_.lower())
    for child in [] if direct else nominal.children:
        if child.dep_ in ("amod", "acl", "relcl", "oprd", "xcomp") and _role_of_lemma(child.lemma_.lower()):
            return _role_of_lemma(child.lemma_.lower()), child
    tok = nominal
    for _ in range(3):
        head = tok.head
        if head.i == tok.i:
            return None
        if tok.dep_ == "conj" or tok.dep_ == "appos":
            tok = head
            continue
        if tok.dep_ == "pobj" and head.lower_ in ("of", "to", "at") and _role_of_lemma(head.head.lemma_.lower()):
            return _role_of_lemma(head.head.lemma_.lower()), head.head  # "the deaths of N", "toll rose to N"
        if tok.dep_ == "pobj" and head.lower_ in ("to", "at") and head.head.lemma_ in ("rise", "climb", "reach", "jump", "increase", "stand", "put"):
            verb = head.head
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and _role_of_lemma(subj.lemma_.lower()):
                return _role_of_lemma(subj.lemma_.lower()), subj
        role = _role_of_lemma(head.lemma_.lower())
        if role and tok.dep_ in ("nsubjpass", "dobj", "nsubj", "attr", "pobj", "npadvmod", "obj", "dative"):
            if head.lemma_ == "shoot" and not any(c.lower_ == "dead" for c in head.children):
                return None
            return role, head
        if head.lemma_ == "lose" and tok.dep_ == "dobj":  # "ISIS also lost 15 fighters": its dead
            return "killed", head
        if head.lemma_ == "leave" and tok.dep_ == "dobj":  # "left 11 dead"
            for c in head.children:
                if c.i > tok.i and _role_of_lemma(c.lemma_.lower()):
                    return _role_of_lemma(c.lemma_.lower()), c
        return None
    return None


# "33 people, mostly women and children, were affected by the gas": hurt by a chemical attack
_GASSED_AFTER_RE = re.compile(r"^\s*(?:[\w'’-]+\s+){0,7}?(?:were|was|had\s+been|have\s+been)\s+(?P<w>affected)\s+by\s+"
                              r"(?:the\s+|a\s+)?(?:[\w-]+\s+)?(?:gas|gases|chlorine|sarin|toxic|chemicals?|poison\w*)\b", re.I)


def _role_by_pattern(sent: Span, start: int, end: int) -> tuple[str, Token] | None:
    text = text_of(sent.doc)
    gassed = _GASSED_AFTER_RE.match(text[end : end + 120])
    if gassed:
        return "injured", _token_at(sent, end + gassed.start("w"))
    after = _AFTER_RE.match(text[end : end + 60])
    if after:
        tok = _token_at(sent, end + after.start("w"))
        word = after.group("w").lower()
        return ("injured" if word in ("wounded", "injured", "hurt") or word.startswith("suffered") else "killed"), tok
    before = _BEFORE_RE.search(text[max(sent.start_char, start - 60) : start])
    if before:
        word = before.group("w").lower()
        tok = _token_at(sent, max(sent.start_char, start - 60) + before.start("w"))
        return ("injured" if word.startswith(("wound", "injur", "suffocation", "caus", "leav")) else "killed"), tok
    return None


def _token_at(sent: Span, char: int) -> Token:
    for tok in sent:
        if tok.idx <= char < tok.idx + len(tok.text) + 1:
            return tok
    return sent[-1]


def _num_token(sent: Span, start: int, end: int) -> Token | None:
    starts, ends = char_arrays(sent.doc)  # both rise strictly: the tokens inside [start, end) are a run
    doc = sent.doc
    toks = [doc[i] for i in range(bisect.bisect_left(starts, start, sent.start, sent.end),
                                   bisect.bisect_right(ends, end, sent.start, sent.end))]
    if not toks:
        return None
    nums_ = [t for t in toks if t.like_num or t.pos_ == "NUM"]
    return (nums_ or toks)[-1]


def _group(nominal: Token) -> str:
    words = {nominal.lower_} | {c.lower_ for c in nominal.children if c.dep_ in ("compound", "amod")}
    words |= {g.lower_ for c in nominal.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children}
    if words & CHILD:
        return "children"
    if words & WOMEN:
        return "women"
    if words & FIGHTERS:
        return "fighters"
    if "civilians" in words or "civilian" in words:
        return "civilians"
    return "people"


_SUBSET_WORDS = re.compile(r"\b(?:including|includ(?:es|ed)|among\s+(?:them|whom|which|the\s+(?:dead|victims|wounded|injured))|"
                           r"of\s+(?:whom|them)|mostly|mainly|most\s+of\s+them)\s*(?:were\s+|are\s+)?(?:at\s+least\s+)?"
                           r"(?:[\w-]+\s+[\w-]+\s+(?:,\s*)?and\s+)?$", re.I)
_ALONG_WITH = re.compile(r"\b(?:along|together)\s+with\s+$|\bas\s+well\s+as\s+$|\bin\s+addition\s+to\s+$", re.I)


_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:and|plus|as\s+well\s+as|along\s+with|together\s+with|in\s+addition\s+to)\s+"
                       r"(?:another\s+|other\s+)?", re.I)


def _listed_after(text: str, previous: Token, start: int) -> bool:
    """A count listed right after the previous count's noun ("killing six civilians and five militiamen",
    "nine children were killed along with two teachers") counts for the same predicate."""
    if _ALONG_WITH.search(text[max(0, start - 24) : start]):
        return True
    return bool(_LIST_GAP.fullmatch(text[previous.idx + len(previous.text) : start]))


_AMONG_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:among|amongst)\s+(?:them|whom|the\s+(?:dead|victims))\b", re.I)


def _subset_by_words(text: str, start: int, before: list[Toll], end: int | None = None) -> Toll | None:
    """A count right after 'including' / 'among them' (or followed by it: "two children among them")
    qualifies the count before it."""
    if not before:
        return None
    if _SUBSET_WORDS.search(text[max(0, start - 40) : start]):
        return before[-1]
    if end is not None and _AMONG_AFTER.match(text[end : end + 40]):
        return before[-1]
    return None


def _fold_part(parent: Toll, mention, start: int, end: int, nominal: Token) -> None:
    """A subset count ("including seven women") told into the count it is part of."""
    part = _make_toll(mention, start, end, nominal, (parent.role, nominal.doc[parent.anchor]))
    if part.group in ("children", "women") and part.value is not None:
        setattr(parent, part.group, part.value)
    if isinstance(mention, nums.PersonCount):
        parent.children = parent.children or (mention.children or None)
        parent.women = parent.women or (mention.women or None)


def _whole_before(text: str, roleless, start: int, role: tuple[str, Token], order: list[Toll]) -> Toll | None:
    """The whole a subset count belongs to when the parse hung the casualty predicate on the subset:
    in "Over 130 people including 67 children were killed" the verb's subject is "children", so "130
    people" has no predicate; the count right before the subset words is the total, with its role."""
    if roleless is None or (order and order[-1].start_char > roleless[1]):
        return None
    r_mention, r_start, r_end, r_nominal = roleless
    gap = text[r_end:start]
    if len(gap) > 40 or not _SUBSET_WORDS.search(gap) or any(c.isdigit() for c in gap):
        return None
    return _make_toll(r_mention, r_start, r_end, r_nominal, role)


def _subset_parent(nominal: Token, tolls: dict[int, Toll]) -> Toll | None:
    """'including four children' / 'among them two women' / 'six of whom were children'."""
    tok = nominal
    for _ in range(3):
        head = tok.head
        if head.i == tok.i:
            return None
        if tok.dep_ == "pobj" and head.lower_ in SUBSET_PREPS and head.lower_ != "of":
            parent = head.head
            return tolls.get(parent.i)
        if tok.dep_ in ("prep",) and tok.lower_ in ("including",):
            return tolls.get(head.i)
        tok = head
    return None


NONE_REPORTED = re.compile(
    r"\bno\s+(?P<what>fatalities|casualties|deaths|dead|injuries|one\s+was\s+(?:killed|hurt|injured|wounded))"
    r"(?:\s+(?:were|was|have\s+been|had\s+been))?\s+(?:reported|recorded|documented)?", re.I)


def _none_reported(sent: Span) -> list[Toll]:
    """"No fatalities were reported", "no casualties": a count of zero (codebook 2.4)."""
    m = NONE_REPORTED.search(sent.text)
    if not m:
        return []
    what = m.group("what").lower()
    role = "injured" if what.startswith(("injur", "one was hurt", "one was injured", "one was wounded")) else "killed"
    start = sent.start_char + m.start()
    anchor = next((t for t in sent if t.idx >= start), sent.root)
    toll = Toll(role, 0, 0, 0, None, start, sent.start_char + m.end(), anchor.i, anchor.i)
    return [toll] + ([Toll("injured", 0, 0, 0, None, start, sent.start_char + m.end(), anchor.i, anchor.i)]
                     if what == "casualties" else [])


def find_tolls(sent: Span) -> list[Toll]:
    """Every casualty count of the sentence, subsets folded in, coordinated counts added up."""
    text = text_of(sent.doc)
    base = sent.start_char
    found: dict[int, Toll] = {}
    order: list[Toll] = []
    candidates = [(n.start_char + base, n.end_char + base, n) for n in nums.find_numbers(sent.text)]
    candidates += [(p.start_char + base, p.end_char + base, p) for p in nums.find_person_counts(sent.text)]
    taken: list[tuple[int, int]] = []
    roleless = None  # the last person count the parse gave no casualty predicate
    for start, end, mention in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if any(start < e and s < end for s, e in taken):
            continue  # "One civilian": the number and the person count are one mention
        taken.append((start, end))
        num_tok = _num_token(sent, start, end)
        if num_tok is None:
            continue
        nominal = _nominal(num_tok) if not isinstance(mention, nums.PersonCount) else num_tok
        if not _is_person(nominal, num_tok):
            continue
        if isinstance(mention, nums.PersonCount) and _qualifies_a_thing(nominal):
            continue  # "a rebel rocket attack", "a soldier's car bomb": who made it, not one person hurt
        if not order and _PARTITIVE_RE.match(text[end : end + 40]) and not _PLACED_PART_RE.match(text[end : end + 50]):
            continue  # "one of those killed was a journalist": who they were, not a count
        parent = _subset_parent(nominal, found) or _subset_by_words(text, start, order, end)
        if parent is not None:  # "including seven women", "among them four children": part of a count
            _fold_part(parent, mention, start, end, nominal)
            continue
        role = _role_by_parse(nominal) or _role_by_parse(_counted(nominal)) or _role_by_pattern(sent, start, end)
        if role is None and order and _listed_after(text, sent.doc[order[-1].nominal], start):
            role = (order[-1].role, sent.doc[order[-1].anchor])  # "killing six civilians and five militiamen"
        if role is None:
            roleless = (mention, start, end, nominal)
            continue
        whole = _whole_before(text, roleless, start, role, order)
        if whole is not None:  # "Over 130 people including 67 children were killed", the verb hung on the part
            found[sent.doc[whole.nominal].i] = whole
            order.append(whole)
            _fold_part(whole, mention, start, end, nominal)
            roleless = None
            continue
        toll = _make_toll(mention, start, end, nominal, role)
        toll.partitive = bool(_PART_OF_RE.match(text[end : end + 40]))
        toll.running = bool(_RUNNING_RE.search(text[max(sent.start_char, start - 160) : start]))
        if mention.text.lower() == "one" and _NO_ONE_RE.search(text[max(0, start - 16) : start]):
            toll.value, toll.low, toll.high = 0, 0, 0  # "no one was killed"
        if not order:
            _add_the_one_named(text, toll)
        found[nominal.i] = toll
        order.append(toll)
    _of_whom(sent, order)
    if not order:
        order = _named_dead(sent)
    if not order:
        order = _none_reported(sent)
    return _add_coordinated(order, sent.doc)


# Who is killed by name or office: "the brigade killed Abu Hassan, an al-Nusra leader", "Karam Ammoun,
# another terrorist leader, was also killed", "the commander of Faylaq al-Sham was killed".
NAMED_KILL_VERBS = frozenset({"kill", "assassinate", "behead", "execute", "slay"})
OFFICE_NOUNS = frozenset({"commander", "leader", "emir", "chief", "head", "official", "officer", "pilot", "journalist",
                          "activist", "spokesman", "governor", "deputy", "mayor", "general", "colonel", "judge", "cleric"})


_KILL_LEMMA: dict[int, bool] = {}  # a lemma's id (the hash of its text) -> a killing verb's lemma


def _named_dead(sent: Span) -> list[Toll]:
    """One death per person a killing verb takes by name or office (a count of 1 each, the coordinated
    ones added), when the sentence states no figure."""
    strings = sent.doc.vocab.strings
    for n, (lemma,) in enumerate(sent.to_array([LEMMA]).tolist()):  # lemmas read without a Token per word
        kill = _KILL_LEMMA.get(lemma)
        if kill is None:
            kill = _KILL_LEMMA[lemma] = strings[lemma].lower() in NAMED_KILL_VERBS
        if not kill:
            continue
        tok = sent[n]
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        passive = any(c.dep_ == "auxpass" for c in tok.children)
        who = [c for c in tok.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
        persons = [p for w in who for p in [w, *w.conjuncts] if _named_person(p)]
        if persons:
            first = min(persons, key=lambda p: p.i)
            start = first.left_edge.idx if first.left_edge.i >= sent.start else first.idx
            n = max(len(persons), _names_in(sent, who))  # "Abu Osama al-Iraqi and Amer al-Rafdan were killed"
            return [Toll("killed", n, n, n, None, start, first.idx + len(first.text), first.i, tok.i, "people")]
    return []


def _names_in(sent: Span, who: list[Token]) -> int:
    """How many people's names the killing verb's subject or object holds (the parse of a list of
    names often hangs one name on another instead of coordinating them)."""
    spans = [(w.left_edge.i, w.right_edge.i) for w in who]
    return sum(1 for e in sent.ents if e.label_ == "PERSON" and any(a <= e.start and e.end - 1 <= b for a, b in spans))


def _named_person(tok: Token) -> bool:
    """A person's name (the NER's PERSON) or an office held by one ("an al-Nusra leader"), singular."""
    if tok.tag_ in ("NNS", "NNPS"):
        return False
    if tok.ent_type_ == "PERSON":
        return True
    return tok.lemma_.lower() in OFFICE_NOUNS or any(
        c.dep_ == "appos" and c.lemma_.lower() in OFFICE_NOUNS and c.tag_ not in ("NNS", "NNPS") for c in tok.children)


# "killed a commander as well as five of his entourage", "X and three of his comrades were killed":
# the count is of his companions, the one they belonged to is listed before it and died with them.
_OF_HIS_RE = re.compile(r"^\s+of\s+(?:his|her)\s+(?:\w+\s+)?(?:comrades|entourage|companions|aides|bodyguards|guards|"
                        r"escorts|colleagues|associates|men|fighters|followers|assistants|deputies)\b", re.I)
_LISTED_BEFORE_RE = re.compile(r"\b(?:and|as\s+well\s+as|along\s+with|together\s+with)\s+(?:at\s+least\s+)?$", re.I)


def _add_the_one_named(text: str, toll: Toll) -> None:
    """Counts "N of his comrades" listed after the person they belonged to as N + 1 (he is no count
    of his own, so the sentence's first count)."""
    if toll.value is None or not _OF_HIS_RE.match(text[toll.end_char : toll.end_char + 50]):
        return
    if not _LISTED_BEFORE_RE.search(text[max(0, toll.start_char - 30) : toll.start_char]):
        return
    toll.value += 1
    toll.low = toll.low + 1 if toll.low is not None else None
    toll.high = toll.high + 1 if toll.high is not None else None


def _of_whom(sent: Span, tolls: list[Toll]) -> None:
    """'nine members of a family six of whom were children': a subset of the count before it."""
    for m in _OF_WHOM_RE.finditer(sent.text):
        value = nums.words_to_int(m.group("n"))
        at = sent.start_char + m.start()
        before = [t for t in tolls if t.end_char <= at]
        if value is None or not before:
            continue
        part = "women" if m.group("who").lower() == "women" else "children"
        setattr(before[-1], part, value)


def _make_toll(mention, start: int, end: int, nominal: Token, role: tuple[str, Token]) -> Toll:
    if isinstance(mention, nums.PersonCount):
        t = Toll(role[0], mention.total, mention.total, mention.total, None, start, end, nominal.i, role[1].i, "people")
        t.children = mention.children or None
        t.women = mention.women or None
        return t
    vague = mention.text if mention.vague else None
    value = None if mention.vague else mention.value
    low = None if mention.vague else mention.low
    high = None if mention.vague else mention.high
    t = Toll(role[0], value, low, high, vague, start, end, nominal.i, role[1].i, _group(nominal))
    if t.group == "children" and value is not None:
        t.children = value
    if t.group == "women" and value is not None:
        t.women = value
    return t


_COORD_GAP = re.compile(r"\s*(?:[\w'’-]+\s+){0,3}?(?:,\s*)?(?:and|as\s+well\s+as|plus|along\s+with|together\s+with|in\s+addition\s+to|,)\s+"
                        r"(?:another\s+|other\s+)?", re.I)


def _listed(doc, prev: Toll, t: Toll) -> bool:
    """Two counts of one predicate that are a list: a short gap ("five civilians and three"), the
    parse's coordination of the counted nouns ("19 fighters from the group and four civilians were
    killed"), or "along with" ("10 fighters were killed in the blast along with eight IS members")."""
    gap = text_of(doc)[prev.end_char : t.start_char]
    if _COORD_GAP.fullmatch(gap) or (_ALONG_WITH.search(gap) and not any(c.isdigit() for c in gap)):
        return True
    a, b = doc[prev.nominal], doc[t.nominal]
    parallel = a.dep_ == b.dep_ and a.head.i == b.head.i and a.dep_ in ("nsubj", "nsubjpass", "dobj")
    return (parallel or (b.dep_ == "conj" and b.head.i == a.i)) and re.search(r"\band\b", gap) is not None


def _add_coordinated(tolls: list[Toll], doc) -> list[Toll]:
    """'killing five civilians and three fighters': one killed count of eight on the same predicate."""
    out: list[Toll] = []
    for t in tolls:
        prev = next((o for o in out if o.anchor == t.anchor and o.role == t.role), None)
        if prev is not None and not _listed(doc, prev, t):
            continue  # same predicate but not a list of counts: the first figure stands
        if prev is None:
            out.append(t)
            continue
        if prev.value is not None and t.value is not None:
            prev.value += t.value
            prev.low = prev.value if prev.low is not None and t.low is not None else None
            prev.high = None
            for part in ("children", "women"):
                a, b = getattr(prev, part), getattr(t, part)
                if a is not None or b is not None:
                    setattr(prev, part, (a or 0) + (b or 0))
            prev.parts.append(t.nominal)
            prev.end_char = max(prev.end_char, t.end_char)
    return out
