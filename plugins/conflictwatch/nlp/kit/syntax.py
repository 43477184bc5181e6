"""Small helpers over spaCy's dependency parse: paths between tokens, clause heads, polarity."""

from __future__ import annotations

from spacy.tokens import Span, Token

NEGATIONS = frozenset({"not", "n't", "never", "no", "without"})
MODALS = frozenset({"may", "might", "could", "would", "should", "will", "shall", "can", "must"})
HEDGE_VERBS = frozenset({"threaten", "plan", "prepare", "intend", "vow", "warn", "fear", "expect", "aim", "seek",
                         "try", "attempt", "want", "deny", "call", "urge", "demand", "prevent", "avoid", "stop"})
SPEECH_VERBS = frozenset({"say", "tell", "report", "claim", "accuse", "announce", "state", "add", "confirm",
                          "allege", "blame", "deny", "document", "note", "quote", "cite", "warn"})


def ancestors(tok: Token) -> list[Token]:
    """The token and its heads up to the root."""
    out = [tok]
    while out[-1].head is not out[-1]:
        out.append(out[-1].head)
        if len(out) > 64:
            break
    return out


def path(a: Token, b: Token) -> tuple[list[Token], list[Token]]:
    """The tree path a -> lowest common ancestor <- b, as the two upward halves (each includes the LCA)."""
    up_a = ancestors(a)
    up_b = ancestors(b)
    index_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in index_b:
            return up_a[: k + 1], up_b[: index_b[t.i] + 1]
    return up_a, up_b


def distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one sentence (64 when they are not connected)."""
    if a.sent.start != b.sent.start:
        return 64
    left, right = path(a, b)
    if left[-1].i != right[-1].i:
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
        if t.dep_ in ("compound", "appos", "conj", "amod", "nmod", "poss") and t.head is not t:
            t = t.head
            continue
        break
    if t.dep_ == "pobj":
        return t.head.lower_
    return None


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
        if t is not verb and t.lemma_.lower() in HEDGE_VERBS:
            return "hedge"
    return None


def speech_head(tok: Token) -> Token | None:
    """The reporting verb a clause hangs from ('said', 'told'), if any: the claim's frame."""
    for t in ancestors(tok)[1:6]:
        if t.lemma_.lower() in SPEECH_VERBS:
            return t
    return None


def tokens_in(span: Span, start_char: int, end_char: int) -> list[Token]:
    return [t for t in span if t.idx < end_char and t.idx + len(t.text) > start_char]


def head_of(span: Span, start_char: int, end_char: int) -> Token | None:
    """The syntactic head of the tokens covering [start_char, end_char)."""
    toks = tokens_in(span, start_char, end_char)
    if not toks:
        return None
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head is t:
            return t
    return toks[-1]
