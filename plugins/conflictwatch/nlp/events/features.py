"""Features of a candidate event, for the learned decision of whether it is an event of the article.

The rule decisions (assemble.classify) are inputs too: the model learns when to trust them.
Keys are strings; values are floats (1.0 for indicator features).
"""

from __future__ import annotations

import datetime as dt

from conflictwatch.nlp.events import assemble as asm
from conflictwatch.nlp.events.candidates import Candidate
from conflictwatch.nlp.kit.dates import resolve
from conflictwatch.nlp.kit.syntax import is_negated, modality, speech_head


def _bucket(value: int | None, edges: tuple[int, ...]) -> str:
    if value is None:
        return "none"
    for e in edges:
        if value <= e:
            return f"<={e}"
    return f">{edges[-1]}"


GOVERNOR_CLASSES = {
    "continue": "aspect", "maintain": "aspect", "intensify": "aspect", "escalate": "aspect", "step": "aspect",
    "resume": "aspect", "keep": "aspect", "say": "speech", "tell": "speech", "report": "speech", "claim": "speech",
    "accuse": "speech", "blame": "speech", "deny": "speech", "condemn": "reaction", "denounce": "reaction",
    "protest": "reaction", "investigate": "reaction", "after": "background", "following": "background",
    "despite": "background", "since": "background", "amid": "background", "in": "locative", "on": "locative",
}


def _governor_class(tok) -> str:
    if tok.pos_ in ("VERB", "AUX"):
        return GOVERNOR_CLASSES.get(tok.lemma_.lower(), "verb")
    return GOVERNOR_CLASSES.get(tok.lower_, tok.pos_.lower())


def candidate_features(cand: Candidate, reference: dt.date | None) -> dict[str, float]:
    anchor = cand.anchor
    verb = anchor if anchor.pos_ in ("VERB", "AUX") else anchor.head
    kinds = {t.kind for t in cand.triggers} or {"casualty_only"}
    f: dict[str, float] = {f"kind={k}": 1.0 for k in kinds}
    f[f"type={cand.sub_event_type or ('territory' if cand.territory else 'none')}"] = 1.0
    # word classes, not words: the corpus is too small to learn single lemmas without fitting its articles
    f[f"pos={anchor.pos_}"] = 1.0
    f[f"verb_tag={verb.tag_}"] = 1.0
    if anchor.pos_ in ("NOUN", "PROPN"):
        f[f"governed_by={_governor_class(anchor.head)}"] = 1.0
    killed, injured = cand.killed(), cand.injured()
    f[f"killed={_bucket(killed.value if killed else None, (0, 9, 99, 999))}"] = 1.0
    f["has_injured"] = 1.0 if injured else 0.0
    f["vague"] = 1.0 if (killed and killed.vague) or (injured and injured.vague) else 0.0
    best = cand.place_options[0] if cand.place_options else None
    f["own_place"] = 1.0 if cand.places else 0.0
    f["n_places"] = min(len(cand.place_options), 4) / 4.0
    if best is not None:
        f[f"best_kind={best.mention.kind}"] = 1.0
        f["best_abroad"] = best.features.get("abroad", 0.0)
    f.update(_date_features(cand, reference))
    f["negated"] = 1.0 if is_negated(verb) else 0.0
    f[f"modality={modality(verb)}"] = 1.0
    f["speech"] = 1.0 if speech_head(anchor) is not None else 0.0
    f["headline"] = 1.0 if cand.features.get("headline") else 0.0
    f[f"sent={_bucket(cand.sent_index, (0, 1, 2, 5, 10))}"] = 1.0
    text = cand.sent.text
    f["period_cue"] = 1.0 if asm.PERIOD_RE.search(text) else 0.0
    f["war_cue"] = 1.0 if asm.WAR_RE.search(text) else 0.0
    f["past24"] = 1.0 if asm.PAST_24H_RE.search(text) else 0.0
    f["perp"] = 1.0 if cand.perpetrators else 0.0
    f["target"] = 1.0 if cand.targets else 0.0
    f["source"] = 1.0 if cand.sources else 0.0
    f["n_triggers"] = min(len(cand.triggers), 4) / 4.0
    f["perfect"] = 1.0 if any(c.lower_ in ("have", "has") and c.dep_ in ("aux", "auxpass") for c in verb.children) else 0.0
    f[f"rule={cand.role}"] = 1.0
    return f


def _date_features(cand: Candidate, reference: dt.date | None) -> dict[str, float]:
    if cand.date is None:
        return {"date=none": 1.0}
    day, precision = resolve(cand.date, reference)
    f = {f"date_precision={precision}": 1.0, f"date_kind={cand.date.kind}": 1.0}
    if day is not None and reference is not None:
        f[f"date_age={_bucket((reference - day).days, (-2, 1, 7, 31, 365))}"] = 1.0
    return f


def event_features(ev, reference: dt.date | None) -> dict[str, float]:
    """Features of an assembled event (the candidate that tells it best, plus what assembly decided)."""
    f = {f"c:{k}": v for k, v in candidate_features(ev.main, reference).items()}
    f[f"place_from={ev.place_from}"] = 1.0
    f[f"place_kind={ev.place.kind if ev.place else 'none'}"] = 1.0
    f["place_resolved"] = 1.0 if ev.place is not None and ev.place.location_id else 0.0
    f[f"date_precision={ev.date_precision}"] = 1.0
    f[f"type={ev.sub_event_type}"] = 1.0
    f["told"] = min(len(ev.told), 4) / 4.0
    f["has_killed"] = 1.0 if ev.killed is not None else 0.0
    f["divided"] = 1.0 if ev.divided_among else 0.0
    best = max((o.score for o in ev.main.place_options if ev.place is not None and o.mention is ev.place), default=None)
    f["place_score"] = best if best is not None else 0.0
    return f


ACTOR_KIND = {"syrian_government": "state", "russia": "state", "iran": "state", "iran_backed_militias": "state_ally",
              "hezbollah": "state_ally", "turkey": "foreign_state", "us_coalition": "foreign_state", "israel": "foreign_state"}


def type_features(ev, context_type: str | None) -> dict[str, float]:
    """What tells the kind of attack: the trigger words, the sentence's words, who did it to whom."""
    c = ev.main
    doc = c.sent.doc
    f: dict[str, float] = {f"rule={ev.sub_event_type}": 1.0, f"ctx={context_type}": 1.0}
    for t in c.triggers:
        f[f"trig={doc[t.head].lemma_.lower()}"] = 1.0
        f[f"trig_kind={t.kind}"] = 1.0
        if t.sub_event_type:
            f[f"trig_type={t.sub_event_type}"] = 1.0
    if not c.triggers:
        f["casualty_only"] = 1.0
    if c.territory:
        f["territory"] = 1.0
    for tok in c.sent:
        if tok.pos_ in ("NOUN", "VERB", "ADJ", "PROPN") and not tok.is_stop:
            f[f"w={tok.lemma_.lower()}"] = 1.0
    for a in c.perpetrators:
        f[f"perp={a.actor_id}"] = 1.0
        f[f"perp_kind={ACTOR_KIND.get(a.actor_id, 'non_state')}"] = 1.0
    for a in c.targets:
        f[f"target={a.actor_id}"] = 1.0
    for t in c.tolls:
        f[f"victims={t.group}"] = 1.0
    return f
