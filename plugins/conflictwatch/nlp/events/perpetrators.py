"""Who carried out an event, chosen among every actor the article names (ACLED's actor 1).

Each actor the article names as a possible perpetrator is an option for each event, described
by how the text ties it to the event: its role in the event's own sentence (agent, target,
side, source, not there), in the sentences that tell the event again, as the agent of the same
kind of attack elsewhere in the article (the lead's "Syrian government air strikes"), whether it
is named in the headline, how often, and which side holds the place hit ("rebel-held"). The
rules' own pick is a feature too. A learned model (models/perpetrator_model.json) keeps every
option above its threshold, joined with "and"; without it the rules' pick stands.
"""

from __future__ import annotations

import itertools
import re

from conflictwatch.nlp.events.arguments import NAMED_GROUPS, REBEL_WORDS, actor_relation
from conflictwatch.nlp.kit.spans import ActorMention, text_of

HELD_BY_REBELS = re.compile(r"\b(?:rebel|opposition|insurgent|jihadist|militant)s?[\s-]+(?:held|controlled|run)\b", re.I)
HELD_BY_REGIME = re.compile(r"\b(?:government|regime|army|loyalist)[\s-]+(?:held|controlled|run)\b", re.I)
GOVERNMENT_SIDE = frozenset({"syrian_government", "russia", "iran", "iran_backed_militias", "hezbollah"})


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def actor_options(actors: list[ActorMention]) -> dict[str, list[ActorMention]]:
    """Mentions of each actor that could be a perpetrator (sources and unnamed mentions left out)."""
    out: dict[str, list[ActorMention]] = {}
    for a in actors:
        if a.role == "perpetrator" and a.start_char >= 0:
            out.setdefault(a.actor_id, []).append(a)
    return out


def option_features(ev, actor_id: str, mentions: list[ActorMention], cands, in_headline) -> dict[str, float]:
    main = ev.main
    told = [main, *ev.told]
    f: dict[str, float] = {f"actor={actor_id}": 1.0, f"actor_type={actor_id}|{ev.sub_event_type}": 1.0}
    rel_main = _best_relation(main, mentions)
    f[f"rel_main={rel_main}"] = 1.0
    f[f"rel_told={max((_best_relation(c, mentions) for c in told), key=_rank)}"] = 1.0
    f["rule_pick"] = 1.0 if any(p.actor_id == actor_id for p in main.perpetrators) else 0.0
    same_type = [c for c in cands if c.sub_event_type == ev.sub_event_type and any(p.actor_id == actor_id for p in c.perpetrators)]
    f["agent_same_type_elsewhere"] = 1.0 if same_type else 0.0
    if same_type:
        d = min(abs(c.sent_index - main.sent_index) for c in same_type)
        f[f"agent_same_type_dist={_bucket(d, (0, 1, 3, 6))}"] = 1.0
    f["agent_any_type_elsewhere"] = 1.0 if any(any(p.actor_id == actor_id for p in c.perpetrators) for c in cands) else 0.0
    dist = min(abs(m.start_char - main.sent.start_char) for m in mentions)
    f[f"char_dist={_bucket(dist // 100, (0, 1, 3, 8))}"] = 1.0
    f[f"mentions={_bucket(len(mentions), (1, 2, 4))}"] = 1.0
    f["in_headline"] = 1.0 if any(in_headline(m.start_char, m.end_char) for m in mentions) else 0.0
    text = main.sent.text
    side = "gov" if actor_id in GOVERNMENT_SIDE else "other"
    if HELD_BY_REBELS.search(text):
        f[f"rebel_held|{side}"] = 1.0
    if HELD_BY_REGIME.search(text):
        f[f"regime_held|{side}"] = 1.0
    f[f"victims_group={_victims(main)}|{side}"] = 1.0
    return f


RANK = {"agent": 5, "side": 4, "other": 2, "target": 1, "source": 0, "absent": 0}


def _rank(rel: str) -> int:
    return RANK.get(rel, 0)


def _best_relation(cand, mentions: list[ActorMention]) -> str:
    here = [m for m in mentions if cand.sent.start_char <= m.start_char < cand.sent.end_char]
    if not here:
        return "absent"
    return max((actor_relation(cand, m) for m in here), key=_rank)


def _victims(cand) -> str:
    groups = {t.group for t in cand.tolls}
    return "fighters" if "fighters" in groups else ("civilians" if groups else "none")


# "or", "and/or", with up to two lower-case words after it ("or possibly", "or allied Russian jets")
ALTERNATIVE_RE = re.compile(r"^\s*(?:,\s*)?(?:or|and/or)(?:\s+[a-z-]+){0,2}\s*$")


def alternatives(perps: list[ActorMention], text: str) -> bool:
    """'Syrian or Russian warplanes', 'jets believed to be Russian or Syrian': the text does not say which
    of them struck, so no perpetrator is coded (codebook: null when the text does not say)."""
    spans = sorted(perps, key=lambda a: a.start_char)
    if any(a.actor_id != b.actor_id and ALTERNATIVE_RE.match(text[a.end_char : b.start_char])
           for a, b in itertools.pairwise(spans)):
        return True
    # "Syrian or Russian warplanes": the first alternative is an adjective the actor list does not hold alone
    return any(ALT_BEFORE_RE.search(text, max(0, a.start_char - 30), a.start_char)
               or ALT_AFTER_RE.match(text, a.end_char) for a in perps)


SIDE_WORD = r"(?:Syrian|Russian|regime|government|Turkish|coalition|US|U\.S\.|American|Israeli|Iranian)"
ALT_BEFORE_RE = re.compile(rf"\b{SIDE_WORD}\s+or\s+$")
ALT_AFTER_RE = re.compile(rf"\s+or\s+(?:[a-z-]+\s+){{0,2}}{SIDE_WORD}\b")


# Sides that fight together; a perpetrator set never spans two (opposing sides named together are
# the two sides of a fight, of which the codebook's perpetrator is one).
CAMPS = {
    **dict.fromkeys(("syrian_government", "russia", "iran", "iran_backed_militias", "hezbollah"), "government"),
    **dict.fromkeys(("rebels", "fsa", "hts", "al_qaeda", "sna", "turkey"), "opposition"),
    **dict.fromkeys(("sdf", "us_coalition"), "coalition"),
}


def one_camp(chosen: list[ActorMention]) -> list[ActorMention]:
    """The perpetrators of the first one's camp."""
    if len(chosen) < 2:
        return chosen
    camp = CAMPS.get(chosen[0].actor_id, chosen[0].actor_id)
    return [a for a in chosen if CAMPS.get(a.actor_id, a.actor_id) == camp]


def options(ev, actors: list[ActorMention], cands, in_headline) -> list[tuple[ActorMention, dict[str, float]]] | None:
    """What the learned chooser is asked about an event: (first mention, features) for each actor the article
    names as a possible perpetrator; None when the rules decide (the event's telling names its perpetrator,
    or names alternatives: 'Syrian or Russian jets')."""
    if ev.main.perpetrators:
        return None
    return [(mentions[0], option_features(ev, actor_id, mentions, cands, in_headline))
            for actor_id, mentions in sorted(actor_options(actors).items())]


def choose(ev, actors: list[ActorMention], asked: list[tuple[ActorMention, dict[str, float]]] | None, model
           ) -> list[ActorMention]:
    """The event's perpetrators, of one camp: every option (`asked`, from options()) the model keeps, or
    the rules' pick (no model, or the model not asked)."""
    return one_camp(with_allies(named_in_telling(ev, _choose(ev, asked, model)), actors, text_of(ev.main.sent.doc)))


def named_in_telling(ev, chosen: list[ActorMention]) -> list[ActorMention]:
    """'Terrorist mortar attack on X' told again as 'Terrorist organizations affiliated to Jabhat al-Nusra
    targeted X': where the event's telling names only the generic word ("terrorists", "rebels") and another
    telling of the same event names the group, the group is who acted (codebook 2.4: "terrorists" are
    the Opposition armed groups unless a named group is given)."""
    if [a.actor_id for a in chosen] != ["rebels"] or chosen[0].text.lower() not in REBEL_WORDS:
        return chosen
    named = [p for c in ev.told for p in c.perpetrators if p.actor_id in NAMED_GROUPS]
    return named[:1] or chosen


ALLIED_RE = re.compile(r"\b(?:including|alongside|along\s+with|together\s+with|allied\s+with|and\s+other|backed\s+by|"
                       r"joined\s+by|in\s+cooperation\s+with|coalition\s+of|affiliated\s+to)\b", re.I)


def with_allies(chosen: list[ActorMention], actors: list[ActorMention], text: str) -> list[ActorMention]:
    """'Rebel groups including ... former Al-Qaeda affiliate Fateh al-Sham Front fired rockets', 'the rebels
    are fighting alongside the Nusra Front': where the article says the rebels fight as one with HTS,
    the rebels it has attacking are that coalition (codebook: several perpetrators when they act together)."""
    if [a.actor_id for a in chosen] != ["rebels"] or chosen[0].text.lower() not in REBEL_WORDS:
        return chosen
    hts = [a for a in actors if a.actor_id == "hts"]
    rebels = [a for a in actors if a.actor_id == "rebels" and a.text.lower() in REBEL_WORDS]
    for h in hts:
        for r in rebels:
            first, second = sorted((r, h), key=lambda a: a.start_char)
            gap = text[first.end_char:second.start_char]
            if len(gap) <= ALLY_GAP and "." not in gap and ALLIED_RE.search(gap):
                return [*chosen, h]
    return chosen


ALLY_GAP = 80  # characters between the rebels' word and HTS's name


def _choose(ev, asked, model) -> list[ActorMention]:
    text = text_of(ev.main.sent.doc)
    if alternatives(ev.main.perpetrators, text):  # told elsewhere without the "or", that telling says who
        said = [c.perpetrators for c in ev.told if c.perpetrators and not alternatives(c.perpetrators, text)]
        return said[0] if said else []
    if model is None or asked is None:
        return ev.main.perpetrators
    kept = [(p, mention) for mention, features in asked if (p := model.probability(features)) >= model.threshold]
    return [m for _, m in sorted(kept, key=lambda x: -x[0])]
