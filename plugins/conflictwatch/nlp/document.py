"""The document model: headline, dateline, lead, paragraphs and page debris, as a reader sees them.

`conflictwatch_layout_v1` runs before the parser. From the tokens alone it finds the layout
and marks sentence starts at its seams (the headline's end, a title repeated at the top of
the body, the dateline's end, page debris such as "Print Tweet Views 1430 Related ..."), so
the parser never glues a headline, an agency line and the lead into one sentence, as text
that lost its punctuation otherwise makes it do. It sets `doc._.cw_document`.

The dateline ("Reuters Monday 31 Oct 2016", "09-07-2015 Damascus SANA", "Published July 2 2016",
"DAMASCUS (Reuters) -") is where and when the report was filed: its date is the reference for
relative dates ("on Tuesday") and wins over a manifest date that disagrees (the conflict is
kept); its place is never an event's place.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.kit.dates import MONTHS
from conflictwatch.nlp.kit.spans import text_of

_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WD = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+)"
_Y = r"(?:19[89]\d|20[0-4]\d)"
_D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# Written dates a dateline uses, each with a function (match -> (y, m, d)).
DATELINE_DATES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b{_WD}?(?P<d>{_D})\s+(?P<mon>{_MON}),?\s+(?P<y>{_Y})(?!\d)"), "dmy"),
    (re.compile(rf"\b{_WD}?(?P<mon>{_MON})\s+(?P<d>{_D}),?\s+(?P<y>{_Y})(?!\d)"), "mdy"),
    (re.compile(rf"\b(?P<mon>{_MON})\s+(?P<d>[0-3]?\d)(?P<y>{_Y})\b"), "mdy"),  # glued "Jan 202015"
    (re.compile(rf"\b(?P<d>[0-3]?\d)[-./](?P<m>[01]?\d)[-./](?P<y>{_Y})(?!\d)"), "dmy_num"),
    (re.compile(rf"\b(?P<y>{_Y})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), "iso"),
)
# Words of a page header that may stand before a report's date at the top of its body. One item per word, each
# ending at a word boundary and followed only by separators, so the pattern cannot backtrack
# exponentially (the earlier nested `(\s*...\s*)*` took seconds on a long first line). The
# words are case-insensitive; the all-capitals tag ("BEIRUT", "SOHR") is not.
_HEADER_LEAD_RE = re.compile(
    r"^\s*(?:(?:(?i:posted\s+on|published(?:\s+on)?|date\s+of\s+publication|last\s+updated(?:\s+at|\s+on)?|updated"
    r"|first\s+published|print(?:\s+this\s+(?:page|article))?|share|AFP|Reuters|AP|SANA|TASS|Sputnik|Anadolu|DPA|Xinhua|UPI|Monitor|Agencies)|[A-Z]{3,})\b"
    r"[\s,:(\-–—]*)*$"
)
AGENCIES = ("AFP", "Reuters", "AP", "SANA", "TASS", "Sputnik", "Anadolu", "DPA", "Xinhua", "UPI", "IRNA", "ANHA", "QNA")
_AGENCY_RE = re.compile(r"\b(?:" + "|".join(AGENCIES) + r")\b")
# "DAMASCUS (Reuters) -", "Aleppo SANA-", "BEIRUT, Lebanon (AP) --": a filing place before an agency
_PLACE_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z'’-]+(?:\s+[A-Z][A-Za-z'’-]+){0,2})(?:,\s*[A-Z][a-z]+)?\s*(?:\(\s*)?"
    r"(?:" + "|".join(AGENCIES) + r")(?:\s*\))?\s*[-–—:]+\s*"
)
_BYLINE_RE = re.compile(r"^\s*by\s+(?:[A-Z][\w'’.-]*\s+){1,4}?(?:English\s+)?", re.I)
# Page debris pasted into the text: share buttons, view counters, "Related" headlines, tags.
_DEBRIS_RE = re.compile(
    r"(?:\b(?:Print|Tweet|Share|Email)\b(?:\s+(?:Print|Tweet|Share|Email|Views\s+\d+))+|\bViews\s+\d+\b"
    r"|\bRelated(?:\s+(?:articles|news|stories))?\s+(?=[A-Z])|\bTags\s+(?=[A-Z])|\bRead\s+more\s*:?)"
)


@dataclass
class Dateline:
    start_char: int
    end_char: int
    date: dt.date | None
    place: tuple[int, int] | None = None  # the filing place, never an event's place
    agency: str | None = None


@dataclass
class DocumentModel:
    headline: tuple[int, int] | None = None
    title_repeat: tuple[int, int] | None = None  # the headline told again at the top of the body
    dateline: Dateline | None = None
    body_start: int = 0
    debris: list[tuple[int, int]] = field(default_factory=list)
    manifest_date: dt.date | None = None
    title: str | None = None
    caption_ends: list[int] = field(default_factory=list)  # where a photo caption's credit closes
    standfirst: tuple[int, int] | None = None  # the summary between the date line and page debris

    @property
    def reference_date(self) -> dt.date | None:
        """The day relative dates count from: the text's own dateline, else the manifest's date."""
        if self.dateline is not None and self.dateline.date is not None:
            return self.dateline.date
        return self.manifest_date

    @property
    def reference_source(self) -> str | None:
        if self.dateline is not None and self.dateline.date is not None:
            return "dateline"
        return "manifest" if self.manifest_date else None

    @property
    def date_conflict_days(self) -> int | None:
        if self.dateline is None or self.dateline.date is None or self.manifest_date is None:
            return None
        return (self.dateline.date - self.manifest_date).days

    def in_headline(self, start: int, end: int) -> bool:
        """Most of [start, end) lies in the headline or its repeat at the top of the body."""
        for span in (self.headline, self.title_repeat):
            if span is not None and end > start:
                inside = min(end, span[1]) - max(start, span[0])
                if inside >= 0.8 * (end - start):
                    return True
        return False

    def in_standfirst(self, start: int, end: int) -> bool:
        """[start, end) lies in the summary above the page debris, which the story below tells again."""
        return self.standfirst is not None and self.standfirst[0] <= start and end <= self.standfirst[1]

    def is_caption(self, start: int, end: int) -> bool:
        """[start, end) is a sentence that a photo caption's credit closes."""
        return any(start < c and abs(end - c) <= 2 for c in self.caption_ends)

    def in_dateline(self, start: int, end: int) -> bool:
        d = self.dateline
        return d is not None and d.start_char <= start and end <= d.end_char

    def in_debris(self, start: int) -> bool:
        return any(s <= start < e for s, e in self.debris)


def date_of(match: re.Match[str], form: str) -> dt.date | None:
    g = match.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
        return dt.date(int(g["y"]), month, int(re.match(r"\d+", g["d"]).group(0)))
    except (ValueError, KeyError, AttributeError):
        return None


def title_line(text: str) -> str | None:
    """The document's first line when it reads as a title (four words or more, no closing full stop,
    a body after it): statements inside it are the headline's, told again in the body."""
    first = text.split("\n", 1)[0]
    title = first.strip()
    if "\n" not in text or len(title.split()) < 4 or title[-1] in ".!?":
        return None
    return first


def _headline(text: str) -> tuple[int, int] | None:
    """The first line when a body follows it and it does not end like a sentence."""
    m = re.match(r"\s*([^\n]{8,300}?)\s*\n\s*\n", text)
    if not m or len(re.findall(r"[.!?](?:\s|$)", m.group(1))) > 1:
        return None
    return m.start(1), m.end(1)


def _title_repeat(text: str, headline: tuple[int, int] | None, body: int) -> tuple[int, int] | None:
    """The body opening with the headline's words (FA-KES and some feeds copy the title in)."""
    if headline is None:
        return None
    words = re.findall(r"\w+", text[headline[0] : headline[1]].lower())
    if len(words) < 3:
        return None
    head_re = r"\W+".join(re.escape(w) for w in words)
    m = re.compile(r"\s*(?:[^\n]{0,60}?\b)?" + head_re + r"\b", re.I).match(text, body)
    return (m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end()) if m else None


_AFTER_DATE_RE = re.compile(
    r"\s*(?:[A-Z][A-Za-z'’-]+(?:\s+[A-Z][A-Za-z'’-]+)?\s*,?\s*)?(?:\(\s*)?(?:" + "|".join(AGENCIES) + r")(?:\s*\))?\s*[-–—:]*"
)


def find_dateline(text: str, start: int, limit: int = 320, after_title: bool = False) -> Dateline | None:
    """The report's date (and filing place or agency) at the top of the body starting at `start`."""
    head = text[start : start + limit]
    m = _PLACE_DATELINE_RE.match(head)
    if m and m.group("place").lower() not in ("by",):
        agency = _AGENCY_RE.search(m.group(0))
        place = (start + m.start("place"), start + m.end("place"))
        dated = _first_date(text, start + m.end(), start + m.end() + 60)
        end = dated[1] if dated and dated[0] == start + m.end() else start + m.end()
        return Dateline(start, end, dated[2] if dated and dated[0] == start + m.end() else None, place,
                        agency.group(0) if agency else None)
    found = _first_date(text, start, start + limit)
    if found is None:
        return None
    d_start, d_end, date = found
    before = text[start:d_start]
    if not _HEADER_LEAD_RE.match(before) and not _ends_like_title(before, after_title):
        return None
    end = d_end
    place = None
    tail = _AFTER_DATE_RE.match(text, end)
    if tail:  # "6 October 2016 Aleppo SANA-": the filing place and agency after the date
        words = re.match(r"\s*([A-Z][A-Za-z'’-]+(?:\s+[A-Z][A-Za-z'’-]+)?)\s*,?\s*(?:\(\s*)?(?=" + "|".join(AGENCIES) + r")", text[end:tail.end()])
        if words and not _AGENCY_RE.fullmatch(words.group(1)):
            place = (end + words.start(1), end + words.end(1))
        end = tail.end()
    by = _BYLINE_RE.match(text, end)
    if by and text[start:d_start].strip().lower().startswith("posted"):
        end = by.end()
    agency = _AGENCY_RE.search(text, max(start, d_start - 40), min(len(text), d_end + 20))
    return Dateline(d_start, end, date, place, agency.group(0) if agency else None)


def _ends_like_title(before: str, after_title: bool) -> bool:
    """Text before a date that is a title plus a source tag ("... kills 18 Monitor AFP"), or,
    right after a repeated title, a few words of source tag ("NGO", "Monitor AFP")."""
    words = before.split()
    tagged = bool(re.search(r"(?:\b(?:" + "|".join(AGENCIES) + r"|Monitor|Agencies)\s*)$", before))
    if after_title:  # or a lead sentence then the agency's date line ("... of the country AFP Friday 10 Oct 2014")
        return len(words) <= 4 or (len(words) <= 60 and tagged and bool(re.search(r"\b(?:" + "|".join(AGENCIES) + r")\s*$", before)))
    return 0 < len(words) <= 30 and tagged


def _first_date(text: str, lo: int, hi: int) -> tuple[int, int, dt.date] | None:
    best = None
    for rx, form in DATELINE_DATES:
        for m in rx.finditer(text, lo, hi):
            date = date_of(m, form)
            if date is not None and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), date)
            break
    return best


_DEBRIS_END_RE = re.compile(r"\.|\s[-\u2013\u2014](?=[A-Z])")


def find_debris(text: str, start: int, headline: str | None = None, top: int | None = None) -> list[tuple[int, int]]:
    """Spans of page furniture: from a share/views/related/tags marker to the next full stop, or to
    where the story starts again first (the headline told once more, a dateline's dash "-A bomb ...",
    the story's first sentence after a tag list run on into it). `top` is where the body's text starts
    after its date line."""
    spans = []
    for m in _DEBRIS_RE.finditer(text, start):
        end = _DEBRIS_END_RE.search(text, m.end())
        stop = len(text) if end is None else (end.end() if end.group(0) == "." else end.start() + 1)
        again = text.find(headline, m.end(), stop) if headline and len(headline) >= 20 else -1
        if again <= 0 and end is not None and m.group(0).startswith("Tags"):
            again = story_after_tags(text, m.end(), stop, _sentence_before(text, max(start, top or 0), m.start()))
        spans.append((m.start(), again if again > 0 else stop))
    return spans


# How a news sentence opens and a tag never does: "At least 43 people ...", "Eleven people ...",
# "A double suicide bomb ...", "Dozens of air strikes ...".
_SENTENCE_OPENER_RE = re.compile(
    r"(?<=\s)(?:At\s+least|More\s+than|Nearly|Around|About|Up\s+to|Some|(?:Dozens|Hundreds|Scores|Thousands)\s+of|"
    r"A|An|The|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Fifteen|Twenty|Thirty|Forty|Fifty|"
    r"Sixty|Seventy|Eighty|Ninety)\s+(?=\S)")
_MIN_SENTENCE_WORDS = 6
_RETOLD_WORDS = 3  # opening words of the sentence above a tag list that, told again, start the story


def _sentence_before(text: str, start: int, at: int) -> str:
    """The sentence just before `at` (a tag list's marker), at most from `start`."""
    above = text[start:at].rstrip().rstrip(".!?")
    cut = max((m.end() for m in re.finditer(r"[.!?]\s|\n", above)), default=0)
    return above[cut:].strip()


def story_after_tags(text: str, start: int, stop: int, above: str = "") -> int:
    """Where the story's first sentence starts inside a tag list run on into it without a full stop
    ("Tags Syria Aleppo civilians airstrikes At least 51 civilians were killed ..."): where the
    sentence above the tags is told again by its opening words, else the first word that opens a
    sentence and never a tag ("At least", a number word, an article) with a sentence's length
    behind it, else the capitalised word before the first function word ("Overnight airstrikes on
    the ..."); -1 if unseen."""
    words = above.split()[:_RETOLD_WORDS]
    if len(words) == _RETOLD_WORDS:
        told = r"(?<=\s)" + re.escape(words[0]) + r"\s+(?i:" + r"\s+".join(re.escape(w) for w in words[1:]) + r")\b"
        again = re.compile(told).search(text, start, stop)
        if again is not None:
            return again.start()
    for m in _SENTENCE_OPENER_RE.finditer(text, start, stop):
        if len(text[m.start():stop].split()) >= _MIN_SENTENCE_WORDS:
            return m.start()
    return _clause_start(text, start, stop)


# Words a sentence has and a tag list does not: "... aid convoy Syrian regime and Russian airstrikes
# pounded ...", "... airstrikes Overnight airstrikes on the ...".
_FUNCTION_WORD_RE = re.compile(r"(?<=\s)(?:the|of|on|in|at|to|by|for|with|from|was|were|has|have|had|is|are|that|and)(?=\s)")


def _clause_start(text: str, start: int, stop: int) -> int:
    """The capitalised word nearest before the first function word of the tag list's span (the
    subject the story's first sentence opens with), with a sentence's length behind it; -1 if none."""
    m = _FUNCTION_WORD_RE.search(text, start, stop)
    if m is None:
        return -1
    caps = [w for w in re.finditer(r"(?<=\s)[A-Z][\w'’-]*", text[:m.start()]) if w.start() >= start]
    if not caps or len(text[caps[-1].start():stop].split()) < _MIN_SENTENCE_WORDS:
        return -1
    return caps[-1].start()


def build_model(text: str, manifest_date: dt.date | None = None, title: str | None = None) -> DocumentModel:
    headline = _headline(text)
    body = headline[1] if headline else 0
    body = len(text) - len(text[body:].lstrip())
    repeat = _title_repeat(text, headline, body)
    dateline = find_dateline(text, repeat[1], after_title=True) if repeat else None
    if dateline is not None and dateline.start_char > repeat[1] and len(text[repeat[1] : dateline.start_char].split()) <= 4:
        repeat = (repeat[0], dateline.start_char)  # "<title> Monitoring group Reuters <date>": the tag is the header's
    if dateline is None:
        dateline = find_dateline(text, body)
    head_text = text[headline[0] : headline[1]].strip() if headline else None
    top = max(body, repeat[1] if repeat else 0, dateline.end_char if dateline else 0)
    debris = find_debris(text, body, head_text, top)
    return DocumentModel(headline, repeat, dateline, body, debris, manifest_date, title, caption_ends(text, body),
                         find_standfirst(text, top, debris))


_STANDFIRST_WORDS = (5, 60)  # a summary's length, in words
_STORY_WORDS = 20  # the story that must follow the debris


def find_standfirst(text: str, top: int, debris: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The summary some outlets print between the date line and the page debris (tags, share buttons),
    at most two sentences with the story below it ("Date of publication 14 August 2016 Scores of civilians
    were killed ... Tags Syria Aleppo At least 51 civilians were killed ..."): the story's lead tells it again."""
    if not debris or debris[0][0] <= top:
        return None
    start, end = debris[0]
    gap = text[top:start]
    words = gap.split()
    if not _STANDFIRST_WORDS[0] <= len(words) <= _STANDFIRST_WORDS[1] or "\n" in gap.strip():
        return None
    if len(re.findall(r"[.!?](?=\s+\S)", gap.strip())) > 1 or len(text[end:].split()) < _STORY_WORDS:
        return None
    return top + len(gap) - len(gap.lstrip()), top + len(gap.rstrip())


# A photo caption ends with the day the picture was taken and its credit: "... in Idlib province, Syria
# August 6 2016 (TRT World and Agencies) A suicide bomber ...", "June 11 2016. (Reuters)". Pasted
# without a full stop before the story, it would lend the story its day.
_CAPTION_CREDIT_RE = re.compile(
    r"\b(?:19|20)\d\d\.?\s*\((?:[^()]{0,40}\b(?:Agenc(?:y|ies)|Reuters|AFP|AP|EPA|Getty(?: Images)?|Photo|Anadolu)\b"
    r"[^()]{0,40})\)")


def caption_ends(text: str, start: int) -> list[int]:
    return [m.end() for m in _CAPTION_CREDIT_RE.finditer(text, start)]


def _seams(model: DocumentModel) -> list[int]:
    cuts = [model.body_start]
    if model.title_repeat:
        cuts.append(model.title_repeat[1])
    if model.dateline:
        cuts += [model.dateline.start_char, model.dateline.end_char]
    for s, e in model.debris:
        cuts += [s, e]
    return cuts + model.caption_ends


def mark_sentence_starts(doc: Doc, model: DocumentModel) -> None:
    """Sentence starts at the layout's seams and after every blank line (before the parser runs)."""
    cuts = sorted(c for c in set(_seams(model)) if c > 0)
    prev = None
    for tok in doc:  # one pass, the previous token carried along (doc[i] builds a new Token each time)
        if prev is not None:
            seam = "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
            if not seam and cuts:
                k = bisect.bisect_left(cuts, prev.idx + len(prev.text))
                seam = k < len(cuts) and cuts[k] <= tok.idx
            if seam and not tok.is_space:
                tok.is_sent_start = True
        prev = tok
    keep_lists_whole(doc)


# "the neighborhoods of Bab Qensrin al-Kallaseh Bab al-Hadid and Bab al-Nasr in Aleppos old city": a list
# of places that lost its commas, which the parser would cut into "sentences" (and the event in the
# first would lose the places in the second).
LIST_OPENER_RE = re.compile(r"^(?:neighbou?rhoods?|villages?|towns?|districts?|areas?|cities|suburbs|quarters|"
                            r"regions|localities|hamlets|camps)$", re.I)
LIST_LINKS = frozenset({"of", "including", "like"})
RUN_JOINERS = frozenset({"and", "al", "el", "-", "ad", "as", "ar", "ash", "at", "az", "an", "bin", "bani", "abu", "umm",
                         "tal", "tel", "deir", "kafr", "ain", "jisr", "bab", "ras", "khan", "qasr", "beit"})
RUN_STOPS = frozenset({"The", "A", "An", "In", "On", "At", "But", "And", "Meanwhile", "He", "She", "It", "They", "This",
                       "That", "These", "Those", "Syrian", "Russian", "Turkish", "According", "Also"})


def keep_lists_whole(doc: Doc) -> None:
    """No sentence starts inside a run of names that a settlement noun opens (before the parser)."""
    n = len(doc)
    i = 0
    while i < n - 2:
        if LIST_OPENER_RE.match(doc[i].text) and doc[i + 1].lower_ in LIST_LINKS:
            k = i + 2
            while k < n and _run_token(doc[k]):
                if k > i + 2 and not doc[k].is_sent_start:
                    doc[k].is_sent_start = False
                k += 1
            i = k
        else:
            i += 1


def _run_token(tok) -> bool:
    t = tok.text
    if tok.is_space or "\n" in tok.whitespace_:
        return False
    if t in RUN_STOPS:
        return False
    return t[:1].isupper() or t.lower() in RUN_JOINERS or bool(re.match(r"^(?:al|el|ad|as|ar|ash|at|az|an)-", t, re.I))

def continuation_model(text: str, reference_date: dt.date | None, title: str | None) -> DocumentModel:
    """A later piece of a long text (nlp/pieces.py): body only, its dates counted from the
    first piece's reference date; a paragraph that opens it is neither headline nor dateline."""
    return DocumentModel(debris=find_debris(text, 0), manifest_date=reference_date, title=title)


def _manifest_date(doc: Doc) -> tuple[dt.date | None, str | None]:
    meta = doc._.cw_meta or {}
    value = meta.get("published_date")
    if isinstance(value, str) and value:
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            value = None
    return (value if isinstance(value, dt.date) else None), meta.get("title")


@Language.factory("conflictwatch_layout_v1", default_config={}, assigns=["doc._.cw_document", "token.is_sent_start"])
def make_layout(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        manifest, title = _manifest_date(doc)
        if (doc._.cw_meta or {}).get("continuation"):
            model = continuation_model(text_of(doc), manifest, title)
        else:
            model = build_model(text_of(doc), manifest, title)
        doc._.cw_document = model
        mark_sentence_starts(doc, model)
        return doc

    return component


def register_document_extensions() -> None:
    for name in ("cw_document", "cw_meta"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_document_extensions()
