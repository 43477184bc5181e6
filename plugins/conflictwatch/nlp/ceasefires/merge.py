"""One record per violation: adjacent statements of one attack, a headline and the lead that
repeats it, near-identical evidence. A general statement ("has consistently violated the truce")
is an aggregate of its own only when the article tells no other violation of that agreement:
beside a count or an attack it says again, in general, what they say."""

from __future__ import annotations

import re

from conflictwatch.nlp.kit.frames import copy_date
from conflictwatch.records import Frame

_TWIN_JACCARD = 0.7


def jaccard(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"[a-z]+", a.lower())), set(re.findall(r"[a-z]+", b.lower()))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def agreement_key(f: Frame) -> int | None:
    return (f.attrs.get("agreement_hint") or {}).get("start_char")


def _absorb(keep: Frame, drop: Frame) -> None:
    """`keep` takes what only `drop` says (attrs it lacks, its date when it has none)."""
    for k, v in drop.attrs.items():
        if keep.attrs.get(k) is None:
            keep.attrs[k] = v
    if keep.date_kind is None and drop.date_kind is not None:
        copy_date(keep, drop)


def _same(a: tuple[int, Frame, bool], b: tuple[int, Frame, bool]) -> tuple[bool, bool]:
    """(same aggregate: same count and period; same event: adjacent, shared violators, one explicit)."""
    (psi, pf, pexp), (si, f, exp) = a, b
    kinds = (pf.attrs["kind"], f.attrs["kind"])
    same_aggregate = kinds == ("aggregate", "aggregate") and f.attrs.get("violations_low") == pf.attrs.get("violations_low") \
        and f.attrs.get("period_days") == pf.attrs.get("period_days")
    same_event = kinds == ("event", "event") and si - psi <= 1 and exp != pexp \
        and bool(set(f.attrs.get("violators", [])) & set(pf.attrs.get("violators", [])))
    return same_aggregate, same_event


def merge_adjacent(items: list[tuple[int, Frame, bool]]) -> list[Frame]:
    """"despite a ceasefire, killed a child" / "have violated the ceasefire by attacking ...": one
    violation (the explicit one kept); aggregates with the same count and period (headline and lead)."""
    out: list[tuple[int, Frame, bool]] = []
    for si, f, explicit in items:
        if out:
            _, pf, pexp = out[-1]
            same_aggregate, same_event = _same(out[-1], (si, f, explicit))
            if same_aggregate or same_event:
                later_wins = (explicit and not pexp) or (same_aggregate and len(f.attrs) >= len(pf.attrs))
                keep, drop = (f, pf) if later_wins else (pf, f)
                for k, v in drop.attrs.items():
                    keep.attrs.setdefault(k, v)
                if keep.date_kind is None and drop.date_kind is not None:
                    copy_date(keep, drop)
                out[-1] = (si, keep, explicit or pexp)
                continue
        out.append((si, f, explicit))
    return [f for _, f, _ in out]


def merge_headline(text: str, frames: list[Frame]) -> list[Frame]:
    """A headline sums up the article: its violation (and the lead repeating it) is the body's
    first violation of the same agreement."""
    head_end = text.find("\n\n")
    if head_end <= 0:
        return frames
    titles = [f for f in frames if f.evidence_start_char < head_end]
    heads = titles + [g for g in frames if g not in titles and any(
        agreement_key(g) == agreement_key(t) and jaccard(g.evidence_text, t.evidence_text) >= _TWIN_JACCARD for t in titles)]
    for h in heads:
        body = next((g for g in frames if g not in heads and agreement_key(g) == agreement_key(h)), None)
        if body is not None:
            _absorb(body, h)
            frames = [g for g in frames if g is not h]
    return frames


def merge_twins(frames: list[Frame]) -> list[Frame]:
    """Near-identical evidence about the same agreement is one violation."""
    kept: list[Frame] = []
    for f in frames:
        twin = next((g for g in kept if agreement_key(g) == agreement_key(f) and jaccard(g.evidence_text, f.evidence_text)
                     >= _TWIN_JACCARD), None)
        if twin is None:
            kept.append(f)
            continue
        for k, v in f.attrs.items():
            twin.attrs.setdefault(k, v)
    return kept


def _bare(f: Frame) -> bool:
    """An aggregate with no count, period or casualties: a general statement."""
    a = f.attrs
    return a.get("kind") == "aggregate" and not any(
        a.get(k) is not None for k in ("violations_low", "period_days", "killed", "killed_low", "injured"))


def drop_general_beside(frames: list[Frame], is_general) -> list[Frame]:
    """Leave out a general statement (is_general(evidence text): "consistently", "repeatedly") about
    an agreement another kept violation of the article is about."""
    general = [f for f in frames if _bare(f) and is_general(f.evidence_text)]
    return [f for f in frames if f not in general or not any(
        g is not f and g not in general and agreement_key(g) == agreement_key(f) for g in frames)]
