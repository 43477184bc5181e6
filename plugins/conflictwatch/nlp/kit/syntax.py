"""Small helpers over spaCy's dependency parse: paths between tokens, clause heads, polarity."""

from __future__ import annotations

import bisect

from spacy.attrs import HEAD, IDX, LENGTH, SENT_START
from spacy.tokens import Span, Token

NEGATIONS = frozenset({"not", "n't", "never", "no", "without"})
MODALS = frozenset({"may", "might", "could", "would", "should", "will", "shall", "can", "must"})
HEDGE_VERBS = frozenset({"threaten", "plan", "prepare", "intend", "vow", "warn", "fear", "expect", "aim", "seek",
                         "try", "attempt", "want", "deny", "call", "urge", "demand", "prevent", "avoid", "stop"})
SPEECH_VERBS = frozenset({"say", "tell", "report", "claim", "accuse", "announce", "state", "add", "confirm",
                          "allege", "blame", "deny", "document", "note", "quote", "cite", "warn"})


def _parse_arrays(doc) -> tuple[list[int], list[int]]:
    """Each token's head index and its sentence's first index, read from the parse once per Doc
    (walking `Token.head` builds Python objects at every step; the coder walks paths thousands of
    times per document). Cached only once the Doc is parsed."""
    cached = doc.user_data.get("cw_parse_arrays")
    if cached is not None and len(cached[0]) == len(doc):
        return cached
    rows = doc.to_array([HEAD, SENT_START]).astype("int64").tolist() if len(doc) else []  # no Token objects
    heads = [i + head for i, (head, _) in enumerate(rows)]  # HEAD is the offset to the head
    starts, first = [], 0
    for i, (_, sent_start) in enumerate(rows):
        if sent_start > 0 and i:  # Token.is_sent_start is True for 1 (None for 0, False for -1)
            first = i
        starts.append(first)
    if doc.has_annotation("DEP"):
        doc.user_data["cw_parse_arrays"] = (heads, starts)
    return heads, starts


def _ancestor_ids(doc, i: int) -> list[int]:
    heads = _parse_arrays(doc)[0]
    out = [i]
    while heads[out[-1]] != out[-1] and len(out) <= 64:
        out.append(heads[out[-1]])
    return out


def ancestors(tok: Token) -> list[Token]:
    """The token and its heads up to the root."""
    doc = tok.doc
    return [doc[i] for i in _ancestor_ids(doc, tok.i)]


def _path_ids(doc, a: int, b: int) -> tuple[list[int], list[int]]:
    up_a = _ancestor_ids(doc, a)
    up_b = _ancestor_ids(doc, b)
    index_b = {t: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t in index_b:
            return up_a[: k + 1], up_b[: index_b[t] + 1]
    return up_a, up_b


def path(a: Token, b: Token) -> tuple[list[Token], list[Token]]:
    """The tree path a -> lowest common ancestor <- b, as the two upward halves (each includes the LCA)."""
    doc = a.doc
    left, right = _path_ids(doc, a.i, b.i)
    return [doc[i] for i in left], [doc[i] for i in right]


def distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one sentence (64 when they are not connected)."""
    doc = a.doc
    if _parse_arrays(doc)[1][a.i] != _parse_arrays(doc)[1][b.i]:
        return 64
    left, right = _path_ids(doc, a.i, b.i)
    if left[-1] != right[-1]:
        return 64
    return len(left) + len(right) - 2


def path_labels(a: Token, b: Token) -> str:
    """'nsubj^ prep> pobj>': dependency labels up from a to the common ancestor, then down to b."""
    left, right = path(a, b)
    ups = [t.dep_ + "^" for t in left[:-1]]
    downs = [t.dep_ + ">" for t in reversed(right[:-1])]
    return " ".join(ups + downs)


def governing_prep(tok: Token) -> str | None:
    """The preposition a noun hangs from ('in' for 'in Kafr Nabl'), through compounds and appositions."""
    t = tok
    for _ in range(3):
        if t.dep_ in ("compound", "appos", "conj", "amod", "nmod", "poss") and t.head.i != t.i:
            t = t.head
            continue
        break
    if t.dep_ == "pobj":
        return t.head.lower_
    return None


def conj_root(tok: Token) -> Token:
    """The first conjunct of the coordination tok is in ("X, Y and Z": X for each), or tok itself."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


TIME_LINKS = ("after", "before")


def timed_links(tok: Token) -> list[tuple[Token, Token]]:
    """(after | before, its duration noun) hanging on tok: the preposition itself ("two days after the
    bombing") or the subordinator of tok's clause ("a week after a bomber blew himself up")."""
    if tok.lower_ in TIME_LINKS and tok.dep_ == "prep":
        links = [tok]
    else:
        links = [c for c in tok.children if c.dep_ == "mark" and c.lower_ in TIME_LINKS]
    return [(link, c) for link in links for c in tok.children if c.dep_ == "npadvmod"]


def clause_verb(tok: Token) -> Token:
    """The nearest verb at or above the token (the token itself if it is one)."""
    for t in ancestors(tok):
        if t.pos_ in ("VERB", "AUX"):
            return t
    return tok.sent.root


def is_negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in NEGATIONS and c.dep_ in ("neg", "det", "advmod")) for c in verb.children)


def modality(verb: Token) -> str | None:
    """'modal' (could/would/may), 'hedge' (threatened to, plans to, denied), or None."""
    for t in ancestors(verb)[:4]:
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in t.children):
            return "modal"
        if t.i != verb.i and t.lemma_.lower() in HEDGE_VERBS:
            return "hedge"
    return None


def speech_head(tok: Token) -> Token | None:
    """The reporting verb a clause hangs from ('said', 'told'), if any: the claim's frame."""
    for t in ancestors(tok)[1:6]:
        if t.lemma_.lower() in SPEECH_VERBS:
            return t
    return None


def char_arrays(doc) -> tuple[list[int], list[int]]:
    """Each token's first character and the one past its last, read once per Doc."""
    cached = doc.user_data.get("cw_token_chars")
    if cached is not None and len(cached[0]) == len(doc):
        return cached
    rows = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []  # no Token objects
    starts = [idx for idx, _ in rows]
    ends = [idx + length for idx, length in rows]
    doc.user_data["cw_token_chars"] = (starts, ends)
    return starts, ends


def _token_range(span: Span, start_char: int, end_char: int) -> range:
    """The indexes of the span's tokens that overlap [start_char, end_char) (a run: tokens are in
    text order and do not overlap)."""
    starts, ends = char_arrays(span.doc)
    lo = bisect.bisect_right(ends, start_char, span.start, span.end)
    hi = bisect.bisect_left(starts, end_char, lo, span.end)
    return range(lo, hi)


def tokens_in(span: Span, start_char: int, end_char: int) -> list[Token]:
    doc = span.doc
    return [doc[i] for i in _token_range(span, start_char, end_char)]


def head_of(span: Span, start_char: int, end_char: int) -> Token | None:
    """The syntactic head of the tokens covering [start_char, end_char)."""
    ids = _token_range(span, start_char, end_char)
    if not ids:
        return None
    doc = span.doc
    for i in ids:
        t = doc[i]
        h = t.head.i
        if h not in ids or h == i:
            return t
    return doc[ids[-1]]
