"""conflictwatch_events_v1: violent events from triggers, their arguments from the parse, read in document context.

Sets `doc._.cw_frames` (casualty_event and casualty_tally frames, as records.Frame). Reads the
mention components' `cw_places`, `cw_actors`, `cw_dates` and the layout's `cw_document`.
The steps (each a module of this package): lexicon (triggers) -> tolls (counts) -> candidates
(clusters on the parse) -> arguments (place, actors, date) -> assemble (what is an event of
this article; context; restatements; totals; one event per place) -> frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from conflictwatch.nlp.document import DocumentModel, build_model
from conflictwatch.nlp.events import arguments as args
from conflictwatch.nlp.events import assemble as asm
from conflictwatch.nlp.events import geo, perpetrators
from conflictwatch.nlp.events.breakdown import find_breakdown
from conflictwatch.nlp.events.candidates import Candidate, build
from conflictwatch.nlp.events.frames import event_frame, tally_frame
from conflictwatch.nlp.events.lexicon import load_lexicon
from conflictwatch.nlp.events.models import load_models
from conflictwatch.nlp.events.tolls import find_tolls
from conflictwatch.nlp.kit.dates import statement_dates
from conflictwatch.nlp.kit.spans import ActorMention, get_list, sentences, text_of


@dataclass
class Coded:
    """One article's coding: its events and tallies, the candidates, and the perpetrator model's questions:
    (event, options) for each event whose own telling names no perpetrator (perpetrators.options)."""

    events: list[asm.Event]
    tallies: list[asm.Event]
    candidates: list[Candidate]
    perpetrator_questions: list[tuple[asm.Event, list[tuple[ActorMention, dict[str, float]]]]] = field(default_factory=list)


class EventCoder:
    def __init__(self, reference_dir: str | None, models_dir: str | None, place_threshold: float):
        self.lexicon = load_lexicon(reference_dir)
        self.models = load_models(models_dir)
        self.place_threshold = place_threshold

    def __call__(self, doc: Doc) -> Doc:
        coded = self.code(doc)
        frames = get_list(doc, "cw_frames")
        frames.extend(event_frame(doc, ev) for ev in coded.events)
        frames.extend(tally_frame(doc, t) for t in coded.tallies)
        return doc

    def code(self, doc: Doc) -> Coded:
        """The article's events and tallies, with every question the learned parts were asked on the way
        (training makes its examples from these, so it asks exactly what the run time asks)."""
        model = doc._.cw_document or build_model(text_of(doc))
        cands = self.candidates(doc, model)
        actors = [a for a in get_list(doc, "cw_actors") if not model.in_debris(a.start_char)]  # never a tag's
        events, tallies = self.assemble(cands, model, asm.claimants(sentences(doc), actors))
        perpetrator_questions = []
        for ev in events:
            options = perpetrators.options(ev, actors, cands, model.in_headline)
            if options is not None:
                perpetrator_questions.append((ev, options))
            ev.perpetrators = perpetrators.choose(ev, actors, options, self.models.perpetrator)
            if ev.main.territory and ev.sub_event_type is None and ev.perpetrators:
                ev.sub_event_type = asm.territory_type(ev.perpetrators[0].actor_id)  # the side found in context
        fallback = geo.document_admin1(get_list(doc, "cw_places"), model.in_headline)
        for ev in events:
            if ev.place is not None:
                ev.place = geo.fill_admin1(ev.place, args.sentence_mentions(ev.main.sent, get_list(doc, "cw_places")), fallback)
        return Coded(events, tallies, cands, perpetrator_questions)

    # ---- per sentence ----------------------------------------------------------------------------

    def candidates(self, doc: Doc, model: DocumentModel) -> list[Candidate]:
        places, actors, dates = get_list(doc, "cw_places"), get_list(doc, "cw_actors"), get_list(doc, "cw_dates")
        dates = [d for d in statement_dates(text_of(doc), dates) if not model.in_dateline(d.start_char, d.end_char)]
        out: list[Candidate] = []
        previous_tolls: list = []
        previous_period = None
        for i, sent in enumerate(sentences(doc)):
            if not sent.text.strip() or model.in_debris(sent.start_char) or model.in_dateline(sent.start_char, sent.end_char):
                continue
            tolls = find_tolls(sent)
            sent_cands = build(sent, i, self.lexicon.match(sent), tolls)
            counts = find_breakdown(sent, args.sentence_mentions(sent, places), bool(previous_tolls))
            if counts:
                if not sent_cands:
                    sent_cands = [Candidate(i, sent)]
                sent_cands[0].breakdown = counts
            for cand in sent_cands:
                self.arguments(cand, sent, model, places, actors, dates)
                cand.features["after_period"] = bool(previous_period)
                cand.features["caption"] = model.is_caption(sent.start_char, sent.end_char)
                cand.features["running"] = [t.value for t in tolls if t.running and t.role == "killed" and t.value]
                out.append(cand)
            previous_tolls = tolls
            previous_period = asm.PERIOD_RE.search(sent.text) and not asm.PAST_24H_RE.search(sent.text)
        return out

    def arguments(self, cand: Candidate, sent: Span, model: DocumentModel, places, actors, dates) -> None:
        s_places = args.sentence_mentions(sent, places)
        s_actors = args.sentence_mentions(sent, actors)
        scorer = self.models.place_scorer()
        cand.place_options = args.place_options(cand, s_places, s_actors, model, scorer)
        cand.places = args.choose_places(cand.place_options, self.models.place_threshold(self.place_threshold))
        floor = 0.1 if self.models.place else -1.0
        cand.weak_places = [o.mention for o in cand.place_options if args.usable(o) and o.score > floor]
        if not cand.places:
            cand.anaphor = args.anaphor_place(sent, places, model)
        args.assign_actors(cand, s_actors)
        cand.date = args.choose_date(cand, args.sentence_mentions(sent, dates))
        cand.features["headline"] = model.in_headline(sent.start_char, sent.end_char - 1)
        cand.features["standfirst"] = model.in_standfirst(sent.start_char, sent.end_char)

    # ---- per document ----------------------------------------------------------------------------

    def assemble(self, cands: list[Candidate], model: DocumentModel, claimed: list | None = None
                 ) -> tuple[list[asm.Event], list[asm.Event]]:
        reference = model.reference_date
        self.assign_roles(cands, model)
        context_type = asm.dominant_type(cands)
        events: list[asm.Event] = []
        tallies: list[asm.Event] = []
        # the headline and the summary above the page debris tell again what the body tells
        heads = [c for c in cands if c.features.get("headline") or c.features.get("standfirst")]
        body = [c for c in cands if c not in heads]
        lead_place = pending = None
        for c in body:
            if c.role not in ("event", "tally"):
                continue
            ev = self.to_event(c, cands, events, lead_place, context_type, reference, claimed)
            if c.role == "event" and self.tells_more(c, ev, events):
                continue
            if c.role == "tally":
                ev.role, ev.scope = "tally", asm.tally_scope(c)
                tallies.append(ev)
                bare = asm.attacks_of_two_days(c)
                if bare is not None:
                    self.add(events, self.to_event(bare, cands, events, lead_place, context_type, reference, claimed))
            elif c.breakdown:
                for part in asm.by_place(ev, c.breakdown):
                    self.add(events, part)
            elif ev.place is not None:
                if pending is not None and asm.placed_by(pending, ev):
                    asm.merge(ev, pending)  # "Strikes killed 23 on Thursday. Airstrikes hit a school in X."
                    asm.settle_counts(ev)
                pending, lead_place = None, lead_place or ev.place
                self.add(events, ev)
            elif asm.reports_event(c) and any(t.value is not None for t in c.tolls):
                pending = ev
        events = asm.fold_broad_tellings(asm.fold_retellings(events))
        for c in heads:
            if c.role == "event":
                self.add_headline(events, tallies, self.to_event(c, cands, [], None, context_type, reference, claimed),
                                  frozenset(t.value for b in body for t in b.tolls if t.role == "killed"))
        for ev in events:
            asm.settle_counts(ev)
        asm.mark_totals(events)
        asm.own_figure_of_total(events)
        asm.mark_partitioned(events)
        tallies += [e for e in events if e.role == "tally"]
        out = []
        for ev in events:
            if ev.role == "event":
                out.extend(self.one_per_place(ev, tallies))
        return out, tallies

    @staticmethod
    def assign_roles(cands: list[Candidate], model: DocumentModel) -> None:
        """Each candidate's role: event, tally, background ... (asm.classify), then an event that
        echoes another, shares a tally's figure or spreads one figure over several attacks."""
        running = asm.running_totals(cands)
        for c in cands:
            c.role = "tally" if asm.tells_running_total(c, running) else asm.classify(c, model, model.reference_date)
        for c in cands:
            if c.role == "event" and asm.echoes(c, cands):
                c.role = "echo"
            elif c.role == "event" and asm.shares_a_tally(c, cands):
                c.role = "drop"
            elif c.role == "event" and asm.spread_over_attacks(c, cands):
                c.role = "tally"

    @staticmethod
    def one_per_place(ev: asm.Event, tallies: list[asm.Event]) -> list[asm.Event]:
        """An event told at a list of places is one event per place; a total told apart from them is a tally."""
        places = ev.listed if len(ev.listed) > 1 else [ev.place]
        total = asm.total_told_apart(ev, places)
        tallies += [total] if total is not None else []
        return asm.split_places(ev, places)

    @staticmethod
    def tells_more(c: Candidate, ev: asm.Event, events: list[asm.Event]) -> bool:
        """More of events already told: dead to add to one ("Two militiamen were also killed"), or that
        nobody died in them ("The attacks caused material damage only"). Folded in, True."""
        added_to = asm.adds_dead(c, events)
        if added_to is not None:
            for t in c.tolls:
                t.adds = t.role == "killed"
            asm.merge(added_to, ev)
            asm.settle_counts(added_to)
            return True
        unharmed = asm.unharmed(c, events)
        for told in unharmed:
            told.told.append(c)
            asm.settle_counts(told)
        return bool(unharmed)

    @staticmethod
    def add(events: list[asm.Event], ev: asm.Event) -> None:
        same = next((e for e in events if asm.same_event(e, ev)), None)
        if same is None:
            events.append(ev)
        elif ev.fixed_counts and not same.fixed_counts:
            asm.merge(ev, same)  # a place's own figure in a breakdown wins over one told of it from context
            events[events.index(same)] = ev
        else:
            asm.merge(same, ev)

    @staticmethod
    def add_headline(events: list[asm.Event], tallies: list[asm.Event], ev: asm.Event, figures: frozenset = frozenset()
                     ) -> None:
        """A headline tells an event of the body again (merged), sums the body's events up (the article's
        total: its figure covers theirs, or it names a wider place), or is an event of its own."""
        told = asm.headline_match(events, ev)
        kin = [e for e in events if asm.same_kind(e.sub_event_type, ev.sub_event_type)]
        if told is not None and ev.killed is not None and told.killed is None and len(kin) > 1 \
                and ev.killed not in figures:
            # "17 dead as jihadists attack Kurdish town" over a body of several events none of which
            # gives the figure: the article's total, not the toll of the one event it names
            ev.role, ev.scope = "tally", "article_total"
            tallies.append(ev)
            return
        if ev.killed is not None and any(t.killed == ev.killed for t in tallies):
            ev.role, ev.scope = "tally", "period"  # the body gives the headline's figure as a tally
            tallies.append(ev)  # (before a body event of its place takes it: the figure is the tally's)
            return
        if told is not None:
            asm.merge(told, ev)
            return
        if ev.killed is None and any(ev.main.sent_index == t.sent_index for e in events for t in e.told):
            return  # another word of the same headline already told a body event ("Jets kill six in X raid")
        counted = sum(e.killed or 0 for e in kin)
        wider = ev.place is None or ev.place.kind in ("admin1", "admin2", "region", "country") or any(
            asm.contains(ev.place, e.place) for e in kin)
        if kin and ev.killed is not None and (wider or counted >= 0.9 * ev.killed):
            ev.role, ev.scope = "tally", "article_total"
            tallies.append(ev)
        elif ev.place is not None and (not kin or not wider):
            events.append(ev)

    def to_event(self, c: Candidate, cands: list[Candidate], events: list[asm.Event], lead_place, context_type,
                 reference: dt.date | None, claimed: list | None = None) -> asm.Event:
        before = [o for o in cands if o.sent_index < c.sent_index]
        same_sentence = [o for o in cands if o.sent_index == c.sent_index]
        places, place_from = asm.inherit_place(c, events, lead_place, same_sentence)
        when = asm.event_date(c, before, reference)
        sub = asm.resolve_type(c, context_type, cands)
        ev = asm.Event(c, places[0] if places else None, place_from, when.day, when.precision, when.text, sub,
                       date_mention=when.mention, date_reported=when.reported,
                       listed=list(c.places) if place_from == "sentence" and len(c.places) > 1 else [])
        asm.settle_counts(ev)
        if not c.perpetrators:
            c.perpetrators = asm.weapon_perpetrators(c) or asm.context_perpetrators(c, before, sub)
        if not c.perpetrators and sub in asm.CLAIMABLE and claimed:
            c.perpetrators = claimed[:1]
        return ev


@Language.factory(
    "conflictwatch_events_v1",
    default_config={"reference_dir": None, "models_dir": None, "place_threshold": 0.6},
    assigns=["doc._.cw_frames"],
    requires=["doc._.cw_places", "doc._.cw_actors", "doc._.cw_dates", "doc._.cw_document"],
)
def make_events(nlp: Language, name: str, reference_dir: str | None, models_dir: str | None,
                place_threshold: float) -> EventCoder:
    return EventCoder(reference_dir, models_dir, place_threshold)
