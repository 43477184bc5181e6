"""Score the marts against a hand-written gold file (format: tests/fixtures/gold/seed_gold.yaml).

Entry points (the CLI's ``conflictwatch eval`` calls these):

- ``evaluate(gold_path, warehouse) -> EvalReport``: opens the DuckDB file read-only and scores
  incidents, aid flows, ceasefire agreements and violations (precision / recall / F1, micro-averaged
  over the gold's articles), field accuracy on matched records, negatives reported as incidents and
  evidence integrity of every mart row.
- ``format_report(report, markdown=False, verbose=False) -> str``: an aligned text table (or a
  Markdown table); ``verbose`` adds the per-record diff (missed, spurious, field mismatches).
- ``report_to_dict(report) -> dict``: JSON-ready.

The matching rules are written out in docs/evaluation.md. The place normaliser here is deliberately
independent of the pipeline's own gazetteer matching, so the evaluation does not share its bugs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import yaml

CATEGORIES = ("incidents", "aid_flows", "ceasefire_agreements", "ceasefire_violations")

MART_TABLES = {
    "incidents": "fct_incident_reports",
    "aid_flows": "fct_aid_flows",
    "ceasefire_agreements": "dim_ceasefire_agreements",
    "ceasefire_violations": "fct_ceasefire_violations",
}

# Incident fields scored on matched pairs; the first five are the headline fields.
PRIMARY_INCIDENT_FIELDS = ("killed", "injured", "date", "admin1", "perpetrator")
EXTRA_INCIDENT_FIELDS = (
    "sub_event_type",
    "killed_children",
    "killed_women",
    "injured_children",
    "injured_women",
    "date_precision",
)


class EvalError(RuntimeError):
    """The gold file or the warehouse cannot be evaluated at all (not a low score: a broken input)."""


# --------------------------------------------------------------------------------------------------
# Report dataclasses
# --------------------------------------------------------------------------------------------------


@dataclass
class CategoryScore:
    category: str
    gold: int = 0
    produced: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class FieldScore:
    category: str
    field: str
    correct: int = 0
    total: int = 0
    primary: bool = False

    @property
    def accuracy(self) -> float | None:
        return None if self.total == 0 else self.correct / self.total


@dataclass
class RecordDiff:
    category: str
    article: str
    kind: str  # missed | spurious | mismatch
    gold: str | None = None  # short description of the gold record
    produced: str | None = None  # short description (with id) of the produced record
    field: str | None = None
    gold_value: Any = None
    produced_value: Any = None


@dataclass
class NegativeHit:
    article: str
    negative: str
    incident_report_id: Any
    evidence_text: str | None


@dataclass
class IntegrityFailure:
    table: str
    row_id: Any
    document_id: Any
    reason: str
    evidence_text: str | None = None
    actual_text: str | None = None


@dataclass
class ArticleStatus:
    file: str
    document_ids: list[str]

    @property
    def found(self) -> bool:
        return bool(self.document_ids)


@dataclass
class EvalReport:
    gold_path: str
    warehouse: str
    articles: list[ArticleStatus] = field(default_factory=list)
    categories: dict[str, CategoryScore] = field(default_factory=dict)
    fields: list[FieldScore] = field(default_factory=list)
    negatives_total: int = 0
    negative_hits: list[NegativeHit] = field(default_factory=list)
    integrity_checked: int = 0
    integrity_failures: list[IntegrityFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diffs: list[RecordDiff] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Place and actor normalisation (the evaluation's own, independent of the pipeline's matcher)
# --------------------------------------------------------------------------------------------------

_ARTICLES = {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "ul", "es", "et", "ed"}
_GENERIC_PLACE_WORDS = {
    "region",
    "province",
    "governorate",
    "countryside",
    "village",
    "town",
    "city",
    "district",
    "subdistrict",
    "area",
    "neighbourhood",
    "neighborhood",
    "quarter",
    "the",
}
_APOSTROPHES = "'’‘`´ʿʾʼʻ′"
_VOWELS = set("aeiouy")


def _fold(text: str) -> str:
    """Lowercase, strip diacritics and apostrophe/ayn marks, turn hyphens and punctuation into spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _collapse_doubles(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


def place_tokens(name: str) -> list[str]:
    """Folded tokens without Arabic articles, generic words (village, province ...) and the
    gazetteer's parenthesised qualifier ('Duma (Duma)', 'As-Sukkari (ne)': its district, or
    'ne' for a city neighbourhood), which is no part of the name."""
    tokens = _fold(re.sub(r"\s*\([^)]*\)\s*$", "", name) or name).split()
    kept = [t for t in tokens if t not in _ARTICLES and t not in _GENERIC_PLACE_WORDS]
    return kept or tokens


def normalise_place(name: str | None) -> str:
    """Canonical spelling: folded, articles dropped, doubled letters collapsed, q -> k."""
    if not name:
        return ""
    joined = "".join(place_tokens(name))
    return _collapse_doubles(joined.replace("q", "k"))


def place_skeleton(name: str | None) -> str:
    """Consonant skeleton of normalise_place (vowels and y dropped; 'kh'/'gh'/'sh' kept as letters)."""
    norm = normalise_place(name)
    skel = _collapse_doubles("".join(ch for ch in norm if ch not in _VOWELS))
    return skel or norm


def _edit_distance(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def place_similarity(a: str | None, b: str | None) -> float:
    """1.0 same normalised spelling, 0.9 same skeleton, 0.8 skeletons within tolerance, else 0.

    Tolerance: 0 edits for skeletons shorter than 4 letters, 1 edit up to 8, 2 edits beyond.
    """
    na, nb = normalise_place(a), normalise_place(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    sa, sb = place_skeleton(a), place_skeleton(b)
    if sa == sb:
        return 0.9
    shortest = min(len(sa), len(sb))
    tolerance = 0 if shortest < 4 else (1 if shortest <= 8 else 2)
    if tolerance and _edit_distance(sa, sb) <= tolerance:
        return 0.8
    return 0.0


def same_place(a: str | None, b: str | None) -> bool:
    return place_similarity(a, b) > 0


_ACTOR_SYNONYMS = {
    "syrian government forces": "syrian government forces",
    "syrian government": "syrian government forces",
    "government forces": "syrian government forces",
    "syrian regime": "syrian government forces",
    "syrian regime forces": "syrian government forces",
    "regime": "syrian government forces",
    "regime forces": "syrian government forces",
    "assad regime": "syrian government forces",
    "assad regime forces": "syrian government forces",
    "assad forces": "syrian government forces",
    "syrian army": "syrian government forces",
    "syrian regime army": "syrian government forces",
    "syrian arab army": "syrian government forces",
    "damascus": "syrian government forces",
    "military forces of syria": "syrian government forces",
    "military forces of syria 2000": "syrian government forces",
    "military forces of russia": "russia",
    "military forces of russia 2000": "russia",
    "military forces of turkey": "turkey",
    "military forces of turkey 2016": "turkey",
    "military forces of israel": "israel",
    "unidentified armed group": "unidentified armed group",
    "unidentified armed group syria": "unidentified armed group",
    "unidentified gunmen": "unidentified armed group",
    "hts": "hayat tahrir al-sham",
    "hayat tahrir al sham": "hayat tahrir al-sham",
    "jabhat al nusra": "hayat tahrir al-sham",
    "nusra front": "hayat tahrir al-sham",
    "isis": "islamic state",
    "isil": "islamic state",
    "is": "islamic state",
    "islamic state or isis": "islamic state",
    "sdf": "syrian democratic forces",
    "ypg": "syrian democratic forces",
    "rebels": "opposition armed groups",
    "syrian rebels": "opposition armed groups",
    "opposition rebels": "opposition armed groups",
    "russia": "russia",
    "russian forces": "russia",
    "russian warplanes": "russia",
    "russian jets": "russia",
    "russian air force": "russia",
    "russian military": "russia",
    "russian government": "russia",
    "moscow": "russia",
    "turkey": "turkey",
    "turkiye": "turkey",
    "turkish government": "turkey",
    "turkish forces": "turkey",
    "ankara": "turkey",
    "iran": "iran",
    "tehran": "iran",
    "iran backed militias": "iran-backed militias",
    "iranian backed militias": "iran-backed militias",
    "iranian backed groups": "iran-backed militias",
    "iran backed groups": "iran-backed militias",
    "iran backed militant groups": "iran-backed militias",
    "united nations": "un",
    "un": "un",
    "u n": "un",
    "un security council": "un security council",
    "unsc": "un security council",
    "united nations security council": "un security council",
}


def normalise_actor(name: str) -> str:
    folded = _fold(name)
    folded = re.sub(r"^the ", "", folded)
    return _ACTOR_SYNONYMS.get(folded, folded)


def actor_set(value: Any) -> frozenset[str]:
    """A perpetrator / parties value (string with 'and' / ',' / ';' / '&' / '|', or a list) -> set."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            with contextlib.suppress(ValueError):
                value = json.loads(stripped)
    items: Iterable[Any] = value if isinstance(value, list | tuple | set | frozenset) else [value]
    parts: list[str] = []
    for item in items:
        if item is None:
            continue
        parts.extend(re.split(r"\s*(?:,|;|&|\||/|\band\b)\s*", str(item)))
    return frozenset(normalise_actor(p) for p in parts if p and p.strip() and _fold(p))


# --------------------------------------------------------------------------------------------------
# Text spans
# --------------------------------------------------------------------------------------------------

_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """Lowercased text with straight quotes and single spaces, and each char's index in the original."""
    out: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text.translate(_QUOTE_MAP)):
        if ch.isspace():
            if previous_space:
                continue
            previous_space = True
            out.append(" ")
        else:
            previous_space = False
            out.append(ch.lower())
        index.append(i)
    return "".join(out), index


def find_spans(text: str | None, needle: str | None) -> list[tuple[int, int]]:
    """All occurrences of needle in text (exact first; then quote-, space- and case-insensitive)."""
    if not text or not needle:
        return []
    spans = []
    start = text.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    if spans:
        return spans
    norm_text, index = _normalised_with_map(text)
    norm_needle, _ = _normalised_with_map(needle.strip())
    if not norm_needle:
        return []
    start = norm_text.find(norm_needle)
    while start >= 0:
        end = start + len(norm_needle) - 1
        spans.append((index[start], index[end] + 1))
        start = norm_text.find(norm_needle, start + 1)
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _tokens(text: str | None) -> set[str]:
    return set(_fold(text or "").split())


def token_jaccard(a: str | None, b: str | None) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def evidence_match(
    gold_spans: Sequence[tuple[int, int]],
    gold_text: str | None,
    produced_span: tuple[int, int] | None,
    produced_text: str | None,
) -> float:
    """0 when the evidences do not meet; else a score in (0, 1]: best span IoU, or token Jaccard >= 0.5."""
    best = 0.0
    if produced_span is not None:
        for span in gold_spans:
            inter = _overlap(span, produced_span)
            if inter > 0:
                union = max(span[1], produced_span[1]) - min(span[0], produced_span[0])
                best = max(best, max(inter / union, 0.01))
    jac = token_jaccard(gold_text, produced_text)
    if jac >= 0.5:
        best = max(best, jac)
    return best


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def _to_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def gold_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A gold date (date, 'YYYY-MM-DD', 'YYYY-MM', 2017) -> (first day, precision)."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, int):
        return dt.date(value, 1, 1), "year"
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text), "day"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return dt.date(int(text[:4]), int(text[5:7]), 1), "month"
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 1, 1), "year"
    return None, None


def dates_compatible(
    gold: dt.date | None, gold_precision: str | None, produced: dt.date | None, produced_precision: str | None
) -> bool:
    """Equal at the coarser of the two precisions (day: +/- 1 day). Null never matches a date."""
    if gold is None or produced is None:
        return False
    g = _PRECISION_RANK.get(gold_precision or "day", 0)
    p = _PRECISION_RANK.get(produced_precision or "day", 0)
    rank = max(g, p)
    if rank == 0:
        return abs((gold - produced).days) <= 1
    if rank == 1:
        return abs((gold - produced).days) <= 7
    if rank == 2:
        return (gold.year, gold.month) == (produced.year, produced.month)
    return gold.year == produced.year


# --------------------------------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------------------------------


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    """Parse a gold YAML file and return its articles (each with a `file`)."""
    try:
        data = yaml.safe_load(Path(gold_path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalError(f"cannot read gold file {gold_path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise EvalError(f"gold file {gold_path} has no top-level 'articles' list")
    articles = []
    for i, article in enumerate(data["articles"]):
        if not isinstance(article, dict) or not article.get("file"):
            raise EvalError(f"gold article #{i} in {gold_path} has no 'file'")
        articles.append(article)
    return articles


def _gold_ceasefires(article: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    ceasefires = article.get("ceasefires") or {}
    if isinstance(ceasefires, list):  # `ceasefires: []`
        return [], []
    return list(ceasefires.get("agreements") or []), list(ceasefires.get("violations") or [])


# --------------------------------------------------------------------------------------------------
# Warehouse access
# --------------------------------------------------------------------------------------------------


def uri_basename(uri: str | None) -> str:
    """Last path component of a file path or URL (query and fragment dropped, %-escapes decoded)."""
    if not uri:
        return ""
    text = str(uri).strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        text = urlparse(text).path
    text = unquote(text).replace("\\", "/").rstrip("/")
    return PurePosixPath(text).name


class _Warehouse:
    def __init__(self, con: duckdb.DuckDBPyConnection, warnings: list[str]):
        self.con = con
        self.warnings = warnings
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_catalog = current_database() order by ordinal_position"
        ).fetchall()
        self.columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in rows:
            self.columns.setdefault((schema, table), []).append(column)
        schemas = {s for s, _ in self.columns}
        if "marts" in schemas:
            self.marts = "marts"
        else:
            candidates = sorted(s for s in schemas if s.endswith("marts"))
            self.marts = candidates[0] if candidates else "marts"
            if candidates:
                warnings.append(f"no schema 'marts'; reading marts from schema '{self.marts}'")

    def has(self, table: str, schema: str | None = None) -> bool:
        return (schema or self.marts, table) in self.columns

    def cols(self, table: str, schema: str | None = None) -> list[str]:
        return self.columns.get((schema or self.marts, table), [])

    def rows(self, table: str, wanted: Sequence[str], schema: str | None = None) -> list[dict[str, Any]]:
        """Rows of a table with the wanted columns; absent columns come back as None (with a warning)."""
        schema = schema or self.marts
        present = self.cols(table, schema)
        missing = [c for c in wanted if c not in present]
        if missing:
            self.warnings.append(f"{schema}.{table} lacks column(s) {', '.join(missing)}; treated as null")
        select = ", ".join(f'"{c}"' if c in present else f'null as "{c}"' for c in wanted)
        cursor = self.con.execute(f'select {select} from "{schema}"."{table}"')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class _Doc:
    document_id: str
    source_uri: str | None
    text: str | None


def _load_documents(wh: _Warehouse) -> dict[str, _Doc]:
    if wh.has("dim_documents"):
        cols = wh.cols("dim_documents")
        rows = wh.rows("dim_documents", ["document_id", "source_uri"] + (["text"] if "text" in cols else []))
        docs = {
            str(r["document_id"]): _Doc(str(r["document_id"]), r["source_uri"], r.get("text")) for r in rows
        }
        if "text" not in cols:
            if wh.has("documents", "raw"):
                wh.warnings.append(
                    "marts.dim_documents has no text column; document text read from raw.documents"
                )
                for r in wh.rows("documents", ["document_id", "text"], "raw"):
                    if str(r["document_id"]) in docs:
                        docs[str(r["document_id"])].text = r["text"]
            else:
                wh.warnings.append(
                    "no document text (dim_documents.text / raw.documents): evidence overlap and integrity"
                    " checks fall back to token overlap / are skipped"
                )
        return docs
    if wh.has("documents", "raw"):
        wh.warnings.append(f"no {wh.marts}.dim_documents; documents read from raw.documents")
        rows = wh.rows("documents", ["document_id", "source_uri", "text"], "raw")
        return {str(r["document_id"]): _Doc(str(r["document_id"]), r["source_uri"], r["text"]) for r in rows}
    raise EvalError(
        f"the warehouse has neither {wh.marts}.dim_documents nor raw.documents: cannot link gold files"
    )


# --------------------------------------------------------------------------------------------------
# Generic one-to-one matching
# --------------------------------------------------------------------------------------------------


def _greedy_match(
    golds: Sequence[Any], produced: Sequence[Any], score: Callable[[Any, Any], float]
) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, produced index, score) with score > 0, best score first."""
    candidates = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(produced):
            s = score(g, p)
            if s > 0:
                candidates.append((s, gi, pi))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for s, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi, s))
    return pairs


def _span_of(row: dict[str, Any]) -> tuple[int, int] | None:
    s, e = row.get("evidence_start_char"), row.get("evidence_end_char")
    if s is None or e is None:
        return None
    return int(s), int(e)


def _short(value: Any, limit: int = 70) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------------
# The evaluation
# --------------------------------------------------------------------------------------------------

_INCIDENT_COLS = (
    "incident_report_id",
    "document_id",
    "source_uri",
    "event_date",
    "date_precision",
    "location_mention",
    "location_name",
    "admin1",
    "perpetrator",
    "sub_event_type",
    "killed",
    "injured",
    "killed_children",
    "killed_women",
    "injured_children",
    "injured_women",
    "evidence_text",
    "evidence_start_char",
    "evidence_end_char",
)
_AID_COLS = (
    "aid_flow_id",
    "document_id",
    "source_uri",
    "kind",
    "crossing_name",
    "from_country",
    "to_area",
    "agency",
    "authorised_by",
    "status",
    "share_pct",
    "duration_days",
    "evidence_text",
    "evidence_start_char",
    "evidence_end_char",
)
_AGREEMENT_COLS = (
    "agreement_id",
    "name",
    "parties",
    "start_date",
    "date_precision",
    "announced_by",
    "announced_date",
    "first_document_id",
)
_VIOLATION_COLS = (
    "violation_id",
    "document_id",
    "source_uri",
    "agreement_id",
    "kind",
    "violators",
    "event_date",
    "violations_low",
    "killed",
    "injured",
    "evidence_text",
    "evidence_start_char",
    "evidence_end_char",
)
_EVIDENCE_COLS = ("evidence_text", "evidence_start_char", "evidence_end_char")


@dataclass
class _Ctx:
    report: EvalReport
    docs: dict[str, _Doc]
    fields: dict[tuple[str, str], FieldScore]

    def field_result(self, category: str, name: str, ok: bool, primary: bool = False) -> None:
        key = (category, name)
        if key not in self.fields:
            self.fields[key] = FieldScore(category, name, primary=primary)
        fs = self.fields[key]
        fs.total += 1
        fs.correct += int(ok)


def _read_category(wh: _Warehouse, category: str, cols: Sequence[str]) -> list[dict[str, Any]] | None:
    table = MART_TABLES[category]
    if not wh.has(table):
        wh.warnings.append(
            f"table {wh.marts}.{table} is missing: {category} scored as producing nothing (recall 0)"
        )
        return None
    try:
        return wh.rows(table, cols)
    except duckdb.Error as exc:  # e.g. a view bound to another catalog name in a copied file
        wh.warnings.append(
            f"cannot read {wh.marts}.{table} ({_short(exc, 120)}): {category} scored as producing nothing"
        )
        return None


def _by_article(
    rows: Iterable[dict[str, Any]], doc_to_article: dict[str, str], uri_to_article: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        article = doc_to_article.get(str(row.get("document_id")))
        if article is None and row.get("source_uri"):
            article = uri_to_article.get(uri_basename(row["source_uri"]))
        if article is not None:
            out.setdefault(article, []).append(row)
    return out


def _article_text(ctx: _Ctx, status: ArticleStatus) -> str | None:
    for doc_id in status.document_ids:
        text = ctx.docs[doc_id].text
        if text:
            return text
    return None


def _row_text(ctx: _Ctx, row: dict[str, Any]) -> str | None:
    doc = ctx.docs.get(str(row.get("document_id")))
    return doc.text if doc else None


def _row_gold_evidence(ctx: _Ctx, row: dict[str, Any], gold_evidence: str | None) -> list[tuple[int, int]]:
    return find_spans(_row_text(ctx, row), gold_evidence)


IncidentHook = Callable[[dict[str, Any], list[dict[str, Any]], "str | None"], list[dict[str, Any]]]


def evaluate(gold_path: Path, warehouse: Path, incident_hook: IncidentHook | None = None) -> EvalReport:
    """Score the warehouse's marts against the gold file. Opens the DuckDB file read-only.

    `incident_hook(article, rows, text)` may rewrite an article's incident rows before they are
    scored (the error budget replaces one kind of error at a time with the gold's value).
    """
    gold_path, warehouse = Path(gold_path), Path(warehouse)
    articles = load_gold(gold_path)
    if not warehouse.exists():
        raise EvalError(f"warehouse {warehouse} does not exist")
    report = EvalReport(gold_path=str(gold_path), warehouse=str(warehouse))
    report.categories = {c: CategoryScore(c) for c in CATEGORIES}
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:  # typically the lock held by a running load / dbt build
        raise EvalError(
            f"cannot open {warehouse} read-only ({exc}); while the pipeline writes it, evaluate the"
            " published analyst copy instead"
        ) from exc
    try:
        wh = _Warehouse(con, report.warnings)
        docs = _load_documents(wh)
        ctx = _Ctx(report, docs, {})
        for name in PRIMARY_INCIDENT_FIELDS:
            ctx.fields[("incidents", name)] = FieldScore("incidents", name, primary=True)

        basename_to_docs: dict[str, list[str]] = {}
        for doc in docs.values():
            basename_to_docs.setdefault(uri_basename(doc.source_uri), []).append(doc.document_id)
        doc_to_article: dict[str, str] = {}
        uri_to_article: dict[str, str] = {}
        statuses: dict[str, ArticleStatus] = {}
        for article in articles:
            file = uri_basename(str(article["file"]))
            status = ArticleStatus(str(article["file"]), sorted(basename_to_docs.get(file, [])))
            statuses[status.file] = status
            report.articles.append(status)
            uri_to_article[file] = status.file
            for doc_id in status.document_ids:
                doc_to_article[doc_id] = status.file
            if len(status.document_ids) > 1:
                report.warnings.append(
                    f"{status.file}: {len(status.document_ids)} documents share this file name; all are scored"
                )
            if not status.found:
                report.warnings.append(
                    f"{status.file}: no document in the warehouse; all its records are misses"
                )

        incident_rows = _read_category(wh, "incidents", _INCIDENT_COLS)
        aid_rows = _read_category(wh, "aid_flows", _AID_COLS)
        violation_rows = _read_category(wh, "ceasefire_violations", _VIOLATION_COLS)
        agreement_rows = _read_category(wh, "ceasefire_agreements", _agreement_cols(wh))

        incidents = _by_article(incident_rows or [], doc_to_article, uri_to_article)
        aid = _by_article(aid_rows or [], doc_to_article, uri_to_article)
        violations = _by_article(violation_rows or [], doc_to_article, uri_to_article)
        agreements_by_id = {str(r["agreement_id"]): r for r in agreement_rows or []}
        agreement_links = _agreement_links(wh, agreement_rows or [], violation_rows or [], doc_to_article)

        for article in articles:
            status = statuses[str(article["file"])]
            rows = incidents.get(status.file, [])
            if incident_hook is not None:
                rows = incident_hook(article, [dict(r) for r in rows], _article_text(ctx, status))
            incident_pairs = _score_incidents(ctx, article, status, rows)
            _score_negatives(ctx, article, status, rows, incident_pairs)
            _score_aid(ctx, article, status, aid.get(status.file, []))
            _score_agreements(ctx, article, status, agreement_links.get(status.file, []), agreements_by_id)
            _score_violations(ctx, article, status, violations.get(status.file, []), agreements_by_id)

        _check_integrity(ctx, wh)
    finally:
        con.close()
    order = {(c, f): i for i, (c, f) in enumerate(ctx.fields)}
    report.fields = sorted(
        ctx.fields.values(), key=lambda fs: (not fs.primary, order[(fs.category, fs.field)])
    )
    return report


# ---- incidents -----------------------------------------------------------------------------------


def _incident_place_score(gold: dict[str, Any], row: dict[str, Any]) -> float:
    produced = [row.get("location_name"), row.get("location_mention")]
    best = 0.0
    for p in produced:
        best = max(best, place_similarity(gold.get("location"), p))
        for alt in gold.get("location_alternatives") or []:
            best = max(best, 0.7 * (place_similarity(alt, p) > 0))
    return best


def _incident_date_score(gold: dict[str, Any], row: dict[str, Any]) -> float:
    """Match component for dates: 1 exact, 0.5 one day off, 0 no match. Gold null needs produced null."""
    gdate, gprec = gold_date(gold.get("date"))
    pdate = _to_date(row.get("event_date"))
    if gdate is None:
        return 1.0 if pdate is None else 0.0
    if pdate is None:
        return 0.0
    prec = gold.get("date_precision") or gprec
    if prec == "day" or gprec == "day":
        diff = abs((gdate - pdate).days)
        return 1.0 if diff == 0 else (0.5 if diff == 1 else 0.0)
    return 1.0 if dates_compatible(gdate, prec, pdate, row.get("date_precision")) else 0.0


def _describe_incident(gold: dict[str, Any]) -> str:
    return f"{gold.get('location')} {gold.get('date')} killed={gold.get('killed')} «{_short(gold.get('evidence'), 50)}»"


def _describe_row(row: dict[str, Any], id_col: str, extra: Sequence[str]) -> str:
    bits = [f"{id_col}={row.get(id_col)}"] + [f"{c}={row.get(c)}" for c in extra if row.get(c) is not None]
    if row.get("evidence_text"):
        bits.append(f"«{_short(row['evidence_text'], 50)}»")
    return " ".join(bits)


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _incident_field_values(gold: dict[str, Any], row: dict[str, Any], name: str) -> tuple[Any, Any, bool]:
    if name == "date":
        g, _ = gold_date(gold.get("date"))
        p = _to_date(row.get("event_date"))
        return g, p, g == p
    if name == "date_precision":
        g = gold.get("date_precision")
        p = row.get("date_precision")
        return g, p, (g or "unknown") == (p or "unknown")
    if name == "admin1":
        g, p = gold.get("admin1"), row.get("admin1")
        return (
            g,
            p,
            (g is None and p is None)
            or (g is not None and p is not None and place_skeleton(g) == place_skeleton(p)),
        )
    if name == "perpetrator":
        g, p = gold.get("perpetrator"), row.get("perpetrator")
        return g, p, actor_set(g) == actor_set(p)
    if name == "sub_event_type":
        g, p = gold.get("sub_event_type"), row.get("sub_event_type")
        return g, p, _fold(g or "") == _fold(p or "")
    g, p = _int_or_none(gold.get(name)), _int_or_none(row.get(name))
    return gold.get(name), row.get(name), g == p


def match_incidents(golds: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]], text: str | None
                    ) -> list[tuple[int, int, float]]:
    """The scoring's one-to-one pairs (gold index, row index, score) of an article's incidents: same
    place and date (day +/- 1), best place + date + evidence score first. Training labels with it too."""
    gold_spans = [find_spans(text, g.get("evidence")) for g in golds]

    def pair_score(gi: int, pi: int) -> float:
        g, row = golds[gi], rows[pi]
        place = _incident_place_score(g, row)
        date = _incident_date_score(g, row)
        if place <= 0 or date <= 0:
            return 0.0
        ev = evidence_match(gold_spans[gi], g.get("evidence"), _span_of(row), row.get("evidence_text"))
        return place + date + 0.5 * ev

    return _greedy_match(range(len(golds)), range(len(rows)), pair_score)


def _score_incidents(
    ctx: _Ctx, article: dict[str, Any], status: ArticleStatus, rows: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    golds = list(article.get("incidents") or [])
    pairs = match_incidents(golds, rows, _article_text(ctx, status))
    _count(
        ctx,
        "incidents",
        status,
        golds,
        rows,
        pairs,
        _describe_incident,
        lambda r: _describe_row(r, "incident_report_id", ("location_name", "event_date", "killed")),
    )
    matched = []
    for gi, pi, _ in pairs:
        g, row = golds[gi], rows[pi]
        matched.append((g, row))
        for name in PRIMARY_INCIDENT_FIELDS + EXTRA_INCIDENT_FIELDS:
            gv, pv, ok = _incident_field_values(g, row, name)
            ctx.field_result("incidents", name, ok, primary=name in PRIMARY_INCIDENT_FIELDS)
            if not ok:
                ctx.report.diffs.append(
                    RecordDiff(
                        "incidents",
                        status.file,
                        "mismatch",
                        _describe_incident(g),
                        _describe_row(row, "incident_report_id", ()),
                        name,
                        _plain(gv),
                        _plain(pv),
                    )
                )
    return matched


def _count(
    ctx: _Ctx,
    category: str,
    status: ArticleStatus,
    golds: Sequence[dict[str, Any]],
    rows: Sequence[dict[str, Any]],
    pairs: Sequence[tuple[int, int, float]],
    describe_gold: Callable[[dict[str, Any]], str],
    describe_row: Callable[[dict[str, Any]], str],
) -> None:
    score = ctx.report.categories[category]
    score.gold += len(golds)
    score.produced += len(rows)
    score.tp += len(pairs)
    score.fn += len(golds) - len(pairs)
    score.fp += len(rows) - len(pairs)
    matched_g = {gi for gi, _, _ in pairs}
    matched_p = {pi for _, pi, _ in pairs}
    for gi, g in enumerate(golds):
        if gi not in matched_g:
            ctx.report.diffs.append(RecordDiff(category, status.file, "missed", gold=describe_gold(g)))
    for pi, row in enumerate(rows):
        if pi not in matched_p:
            ctx.report.diffs.append(RecordDiff(category, status.file, "spurious", produced=describe_row(row)))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return sorted(str(v) for v in value)
    return value


# ---- negatives -----------------------------------------------------------------------------------


def _score_negatives(
    ctx: _Ctx,
    article: dict[str, Any],
    status: ArticleStatus,
    rows: list[dict[str, Any]],
    matched: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    negatives = [n for n in article.get("negatives") or [] if n]
    ctx.report.negatives_total += len(negatives)
    if not negatives or not status.found:
        return
    text = _article_text(ctx, status)
    gold_of_row = {id(row): g for g, row in matched}
    for negative in negatives:
        spans = find_spans(text, str(negative))
        if not spans:
            ctx.report.warnings.append(
                f"{status.file}: negative not found in the document text: {_short(negative)}"
            )
            continue
        for row in rows:
            span = _span_of(row) or next(
                iter(find_spans(_row_text(ctx, row), row.get("evidence_text"))), None
            )
            if span is None or not any(_overlap(span, s) > 0 for s in spans):
                continue
            # A produced row that correctly matches a gold incident whose own evidence covers the negative
            # is not a false report (the gold itself puts an incident there).
            g = gold_of_row.get(id(row))
            if g is not None and any(
                _overlap(gs, s) > 0 for gs in find_spans(text, g.get("evidence")) for s in spans
            ):
                continue
            ctx.report.negative_hits.append(
                NegativeHit(
                    status.file, str(negative), row.get("incident_report_id"), row.get("evidence_text")
                )
            )
            break


# ---- aid flows -----------------------------------------------------------------------------------

_AID_FIELDS = {
    # gold key -> (produced column, comparison)
    "kind": ("kind", "text"),
    "crossing": ("crossing_name", "place"),
    "from_country": ("from_country", "place"),
    "to_area": ("to_area", "place"),
    "agency": ("agency", "actor"),
    "authorised_by": ("authorised_by", "actor"),
    "status": ("status", "text"),
    "share_pct": ("share_pct", "number"),
    "duration_days": ("duration_days", "number"),
}


def _compare(kind: str, gold: Any, produced: Any, aliases: Sequence[str] = ()) -> bool:
    if kind == "place":
        return any(same_place(g, produced) for g in [gold, *aliases] if g is not None) or (
            gold is None and produced is None
        )
    if kind == "actor":
        return actor_set(gold) == actor_set(produced)
    if kind == "number":
        try:
            return gold is not None and produced is not None and abs(float(gold) - float(produced)) < 1e-6
        except (TypeError, ValueError):
            return False
    return _fold(str(gold or "")) == _fold(str(produced or ""))


def _score_aid(ctx: _Ctx, article: dict[str, Any], status: ArticleStatus, rows: list[dict[str, Any]]) -> None:
    golds = list(article.get("aid_flows") or [])
    text = _article_text(ctx, status)
    gold_spans = [find_spans(text, g.get("evidence")) for g in golds]

    def pair_score(gi: int, pi: int) -> float:
        g, row = golds[gi], rows[pi]
        ev = evidence_match(gold_spans[gi], g.get("evidence"), _span_of(row), row.get("evidence_text"))
        if ev <= 0:
            return 0.0
        return ev + (
            0.5 if g.get("kind") and _fold(str(g["kind"])) == _fold(str(row.get("kind") or "")) else 0.0
        )

    pairs = _greedy_match(range(len(golds)), range(len(rows)), pair_score)
    _count(
        ctx,
        "aid_flows",
        status,
        golds,
        rows,
        pairs,
        lambda g: (
            f"{g.get('kind')} {g.get('crossing') or g.get('to_area') or ''} «{_short(g.get('evidence'), 50)}»"
        ),
        lambda r: _describe_row(r, "aid_flow_id", ("kind", "crossing_name")),
    )
    for gi, pi, _ in pairs:
        g, row = golds[gi], rows[pi]
        for key, (column, kind) in _AID_FIELDS.items():
            if key not in g:
                continue
            aliases = g.get("crossing_aliases") or [] if key == "crossing" else []
            ok = _compare(kind, g[key], row.get(column), aliases)
            ctx.field_result("aid_flows", key, ok)
            if not ok:
                ctx.report.diffs.append(
                    RecordDiff(
                        "aid_flows",
                        status.file,
                        "mismatch",
                        _short(g.get("evidence"), 60),
                        _describe_row(row, "aid_flow_id", ()),
                        key,
                        _plain(g[key]),
                        _plain(row.get(column)),
                    )
                )


# ---- ceasefire agreements ------------------------------------------------------------------------


def _agreement_cols(wh: _Warehouse) -> list[str]:
    cols = list(_AGREEMENT_COLS)
    present = wh.cols("dim_ceasefire_agreements")
    cols += [c for c in ("document_id", "document_ids", *_EVIDENCE_COLS) if c in present]
    return cols


def _agreement_links(
    wh: _Warehouse,
    agreements: list[dict[str, Any]],
    violations: list[dict[str, Any]],
    doc_to_article: dict[str, str],
) -> dict[str, list[str]]:
    """Article -> agreement ids linked to its documents.

    Links: dim_ceasefire_agreements.first_document_id / document_id / document_ids (a list), the
    violations' (document_id, agreement_id), and any other table in any schema holding both columns
    (a bridge, or dbt's intermediate int_ceasefire_agreements_deduplicated when the warehouse has it).
    """
    links: dict[str, list[str]] = {}

    def link(document_id: Any, agreement_id: Any) -> None:
        article = doc_to_article.get(str(document_id))
        if article is None or agreement_id is None:
            return
        ids = links.setdefault(article, [])
        if str(agreement_id) not in ids:
            ids.append(str(agreement_id))

    for row in agreements:
        link(row.get("first_document_id"), row.get("agreement_id"))
        link(row.get("document_id"), row.get("agreement_id"))
        for doc_id in row.get("document_ids") or []:
            link(doc_id, row.get("agreement_id"))
    for row in violations:
        link(row.get("document_id"), row.get("agreement_id"))
    for (schema, table), cols in sorted(wh.columns.items()):
        if schema == wh.marts and table in ("dim_ceasefire_agreements", "fct_ceasefire_violations"):
            continue
        if "agreement_id" in cols and "document_id" in cols:
            try:
                link_rows = wh.rows(table, ["document_id", "agreement_id"], schema)
            except duckdb.Error as exc:  # e.g. a view bound to another catalog name in a copied file
                wh.warnings.append(f"cannot read {schema}.{table} for agreement links: {_short(exc, 120)}")
                continue
            for row in link_rows:
                link(row["document_id"], row["agreement_id"])
    return links


def _gold_agreement_date(g: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    for key in ("start_date", "date", "year"):
        if g.get(key) is not None:
            d, prec = gold_date(g[key])
            return d, g.get("date_precision") or prec
    return None, None


def _agreement_date_ok(g: dict[str, Any], row: dict[str, Any]) -> bool:
    gdate, gprec = _gold_agreement_date(g)
    pprec = row.get("date_precision")
    if pprec == "unknown":
        return False
    return dates_compatible(gdate, gprec, _to_date(row.get("start_date")), pprec)


def _score_agreements(
    ctx: _Ctx,
    article: dict[str, Any],
    status: ArticleStatus,
    linked_ids: list[str],
    agreements_by_id: dict[str, dict[str, Any]],
) -> None:
    golds, _ = _gold_ceasefires(article)
    rows = [agreements_by_id[i] for i in linked_ids if i in agreements_by_id]
    text = _article_text(ctx, status)
    gold_spans = [find_spans(text, g.get("evidence")) for g in golds]

    def parties_score(g: dict[str, Any], row: dict[str, Any]) -> float:
        gp, pp = actor_set(g.get("parties")), actor_set(row.get("parties"))
        return len(gp & pp) / len(gp | pp) if gp and pp else 0.0

    def pair_score(gi: int, pi: int) -> float:
        g, row = golds[gi], rows[pi]
        ev = 0.0
        if (
            "evidence_text" in row
            and str(row.get("document_id") or row.get("first_document_id")) in status.document_ids
        ):
            ev = evidence_match(gold_spans[gi], g.get("evidence"), _span_of(row), row.get("evidence_text"))
        date_ok = _agreement_date_ok(g, row)
        if ev <= 0 and not date_ok:
            return 0.0
        return (
            2 * ev
            + float(date_ok)
            + 0.5 * parties_score(g, row)
            + 0.25 * token_jaccard(g.get("name"), row.get("name"))
        )

    pairs = _greedy_match(range(len(golds)), range(len(rows)), pair_score)
    # Fallback for agreements de-duplicated across documents: an unmatched gold agreement may match any
    # agreement in the mart with a compatible date and overlapping parties (or, gold without parties,
    # a compatible date alone); the pair then counts as produced for this article.
    matched_g = {gi for gi, _, _ in pairs}
    matched_ids = {str(rows[pi]["agreement_id"]) for _, pi, _ in pairs}
    extra_rows: list[dict[str, Any]] = []
    for gi, g in enumerate(golds):
        if gi in matched_g or not status.found:  # an article not in the warehouse: all misses
            continue
        best, best_score = None, 0.0
        for agreement_id, row in agreements_by_id.items():
            if agreement_id in matched_ids or not _agreement_date_ok(g, row):
                continue
            ps = parties_score(g, row)
            if g.get("parties") and row.get("parties") and ps <= 0:
                continue
            s = 1 + ps + 0.25 * token_jaccard(g.get("name"), row.get("name"))
            if s > best_score:
                best, best_score = row, s
        if best is not None:
            matched_ids.add(str(best["agreement_id"]))
            extra_rows.append(best)
            pairs.append((gi, len(rows) + len(extra_rows) - 1, best_score))
    all_rows = rows + extra_rows
    _count(
        ctx,
        "ceasefire_agreements",
        status,
        golds,
        all_rows,
        pairs,
        lambda g: f"{g.get('name')} {g.get('start_date') or g.get('date') or g.get('year')}",
        lambda r: _describe_row(r, "agreement_id", ("name", "start_date", "date_precision")),
    )
    for gi, pi, _ in pairs:
        g, row = golds[gi], all_rows[pi]
        checks: list[tuple[str, Any, Any, bool]] = []
        gdate, gprec = _gold_agreement_date(g)
        if gdate is not None:
            pdate = _to_date(row.get("start_date"))
            same = pdate is not None and (
                abs((gdate - pdate).days) <= 1
                if gprec == "day"
                else dates_compatible(gdate, gprec, pdate, gprec)
            )
            checks.append(
                (
                    "start_date",
                    g.get("start_date") or g.get("date") or g.get("year"),
                    row.get("start_date"),
                    same,
                )
            )
        if g.get("parties"):
            checks.append(
                (
                    "parties",
                    g["parties"],
                    row.get("parties"),
                    actor_set(g["parties"]) == actor_set(row.get("parties")),
                )
            )
        if g.get("announced_by"):
            checks.append(
                (
                    "announced_by",
                    g["announced_by"],
                    row.get("announced_by"),
                    actor_set(g["announced_by"]) == actor_set(row.get("announced_by")),
                )
            )
        for name, gv, pv, ok in checks:
            ctx.field_result("ceasefire_agreements", name, ok)
            if not ok:
                ctx.report.diffs.append(
                    RecordDiff(
                        "ceasefire_agreements",
                        status.file,
                        "mismatch",
                        str(g.get("name")),
                        _describe_row(row, "agreement_id", ("name",)),
                        name,
                        _plain(gv),
                        _plain(pv),
                    )
                )


# ---- ceasefire violations ------------------------------------------------------------------------


def _gold_violation_kind(g: dict[str, Any]) -> str | None:
    kind = _fold(str(g.get("kind") or ""))
    return kind if kind in ("event", "aggregate") else None


def _gold_violation_agreement_date(g: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    for key in ("agreement_start_date", "agreement_date"):
        if g.get(key) is not None:
            return gold_date(g[key])
    return None, None


def _violation_agreement_ok(
    g: dict[str, Any], row: dict[str, Any], agreements_by_id: dict[str, dict[str, Any]]
) -> bool:
    agreement = agreements_by_id.get(str(row.get("agreement_id")))
    gdate, gprec = _gold_violation_agreement_date(g)
    if agreement is None or gdate is None:
        return False
    pprec = agreement.get("date_precision")
    return pprec != "unknown" and dates_compatible(gdate, gprec, _to_date(agreement.get("start_date")), pprec)


def _score_violations(
    ctx: _Ctx,
    article: dict[str, Any],
    status: ArticleStatus,
    rows: list[dict[str, Any]],
    agreements_by_id: dict[str, dict[str, Any]],
) -> None:
    _, golds = _gold_ceasefires(article)
    text = _article_text(ctx, status)
    gold_spans = [find_spans(text, g.get("evidence")) for g in golds]

    def pair_score(gi: int, pi: int) -> float:
        g, row = golds[gi], rows[pi]
        ev = evidence_match(gold_spans[gi], g.get("evidence"), _span_of(row), row.get("evidence_text"))
        agreement_ok = _violation_agreement_ok(g, row, agreements_by_id)
        gkind = _gold_violation_kind(g)
        kind_ok = gkind is None or gkind == _fold(str(row.get("kind") or ""))
        gdate, gprec = gold_date(g.get("date"))
        date_ok = gdate is None or dates_compatible(gdate, gprec, _to_date(row.get("event_date")), None)
        if ev <= 0 and not (agreement_ok and kind_ok and date_ok):
            return 0.0
        return (
            2 * ev + float(agreement_ok) + 0.25 * float(kind_ok and gkind is not None) + 0.25 * float(date_ok)
        )

    pairs = _greedy_match(range(len(golds)), range(len(rows)), pair_score)
    _count(
        ctx,
        "ceasefire_violations",
        status,
        golds,
        rows,
        pairs,
        lambda g: f"{g.get('kind')} «{_short(g.get('evidence'), 50)}»",
        lambda r: _describe_row(r, "violation_id", ("kind", "agreement_id", "event_date")),
    )
    for gi, pi, _ in pairs:
        g, row = golds[gi], rows[pi]
        checks: list[tuple[str, Any, Any, bool]] = []
        if _gold_violation_agreement_date(g)[0] is not None:
            agreement = agreements_by_id.get(str(row.get("agreement_id"))) or {}
            checks.append(
                (
                    "agreement",
                    g.get("agreement_start_date") or g.get("agreement_date"),
                    agreement.get("start_date"),
                    _violation_agreement_ok(g, row, agreements_by_id),
                )
            )
        if g.get("violators"):
            checks.append(
                (
                    "violators",
                    g["violators"],
                    row.get("violators"),
                    actor_set(g["violators"]) == actor_set(row.get("violators")),
                )
            )
        if _gold_violation_kind(g):
            checks.append(
                (
                    "kind",
                    g["kind"],
                    row.get("kind"),
                    _gold_violation_kind(g) == _fold(str(row.get("kind") or "")),
                )
            )
        if g.get("date") is not None:
            gdate, _ = gold_date(g["date"])
            checks.append(
                ("event_date", g["date"], row.get("event_date"), gdate == _to_date(row.get("event_date")))
            )
        for key, column in (
            ("killed", "killed"),
            ("killed_low", "killed"),
            ("injured", "injured"),
            ("violations_low", "violations_low"),
        ):
            if g.get(key) is not None:
                checks.append(
                    (key, g[key], row.get(column), _int_or_none(g[key]) == _int_or_none(row.get(column)))
                )
        for name, gv, pv, ok in checks:
            ctx.field_result("ceasefire_violations", name, ok)
            if not ok:
                ctx.report.diffs.append(
                    RecordDiff(
                        "ceasefire_violations",
                        status.file,
                        "mismatch",
                        _short(g.get("evidence"), 60),
                        _describe_row(row, "violation_id", ()),
                        name,
                        _plain(gv),
                        _plain(pv),
                    )
                )


# ---- evidence integrity --------------------------------------------------------------------------


def _check_integrity(ctx: _Ctx, wh: _Warehouse) -> None:
    """Every marts row with evidence columns: document text[start:end] == evidence_text (all documents)."""
    for (schema, table), cols in sorted(wh.columns.items()):
        doc_col = next((c for c in ("document_id", "first_document_id") if c in cols), None)
        if schema != wh.marts or doc_col is None or not all(c in cols for c in _EVIDENCE_COLS):
            continue
        id_col = next((c for c in cols if c.endswith("_id") and c != doc_col), doc_col)
        try:
            rows = wh.rows(table, [id_col, doc_col, *_EVIDENCE_COLS])
        except duckdb.Error as exc:
            ctx.report.warnings.append(
                f"evidence integrity: cannot read {schema}.{table}: {_short(exc, 120)}"
            )
            continue
        for row in rows:
            row["document_id"] = row[doc_col]
            ctx.report.integrity_checked += 1
            doc = ctx.docs.get(str(row["document_id"]))
            start, end, evidence = row["evidence_start_char"], row["evidence_end_char"], row["evidence_text"]
            reason, actual = None, None
            if doc is None:
                reason = "document not in dim_documents"
            elif doc.text is None:
                reason = "document text unavailable"
            elif start is None or end is None or evidence is None:
                reason = "null evidence span or text"
            elif not (0 <= int(start) <= int(end) <= len(doc.text)):
                reason = f"span {start}:{end} outside the document (length {len(doc.text)})"
            else:
                actual = doc.text[int(start) : int(end)]
                if actual != evidence:
                    reason = "text[start:end] != evidence_text"
            if reason:
                ctx.report.integrity_failures.append(
                    IntegrityFailure(
                        f"{schema}.{table}", row[id_col], row["document_id"], reason, evidence, actual
                    )
                )


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def report_to_dict(report: EvalReport) -> dict[str, Any]:
    """JSON-ready dict (dates as ISO strings); scores carry precision / recall / f1 / accuracy."""

    def plain(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            out = {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
            if isinstance(obj, CategoryScore):
                out.update(precision=obj.precision, recall=obj.recall, f1=obj.f1)
            if isinstance(obj, FieldScore):
                out["accuracy"] = obj.accuracy
            if isinstance(obj, ArticleStatus):
                out["found"] = obj.found
            return out
        if isinstance(obj, dict):
            return {str(k): plain(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple | set | frozenset):
            return [plain(v) for v in obj]
        if isinstance(obj, dt.date | dt.datetime):
            return obj.isoformat()
        if obj is None or isinstance(obj, str | int | float | bool):
            return obj
        return str(obj)

    data = plain(report)
    data["negatives_reported"] = len(report.negative_hits)
    data["integrity_failed"] = len(report.integrity_failures)
    return data


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool, right: set[int]
) -> list[str]:
    if markdown:
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
        ]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        return lines
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return [fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def format_report(report: EvalReport, markdown: bool = False, verbose: bool = False, snippets: bool = True) -> str:
    """Aligned text tables (or Markdown with markdown=True); verbose=True appends the per-record diff;
    snippets=False leaves out every quotation of the articles (for a split that is scored, never read)."""
    lines: list[str] = []
    found = sum(a.found for a in report.articles)
    lines.append(
        f"Gold: {report.gold_path} ({len(report.articles)} articles, {found} found in the warehouse)"
    )
    lines.append("")
    rows = [
        [
            c,
            str(s.gold),
            str(s.produced),
            str(s.tp),
            str(s.fp),
            str(s.fn),
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
            f"{s.f1:.2f}",
        ]
        for c, s in report.categories.items()
    ]
    lines += _table(
        ["category", "gold", "produced", "tp", "fp", "fn", "precision", "recall", "f1"],
        rows,
        markdown,
        set(range(1, 9)),
    )
    lines.append("")
    frows = [
        [
            f.category,
            f.field + ("" if f.primary else " *"),
            f"{f.correct}/{f.total}",
            "n/a" if f.accuracy is None else f"{f.accuracy:.2f}",
        ]
        for f in report.fields
    ]
    lines += _table(
        ["category", "field (on matched records)", "correct", "accuracy"], frows, markdown, {2, 3}
    )
    if markdown:
        lines.append("")  # a GFM table runs until a blank line
    lines.append("(* extra field)")
    lines.append("")
    lines.append(
        f"Negatives reported as incidents: {len(report.negative_hits)} of {report.negatives_total} (target 0)"
    )
    for hit in report.negative_hits if snippets else ():
        lines.append(f"  - {hit.article}: «{_short(hit.negative, 60)}» <- incident {hit.incident_report_id}")
    lines.append(
        f"Evidence integrity: {len(report.integrity_failures)} failure(s) in {report.integrity_checked} mart rows checked"
    )
    for failure in report.integrity_failures[: 20 if not verbose else None]:
        lines.append(f"  - {failure.table} {failure.row_id}: {failure.reason}")
    if not verbose and len(report.integrity_failures) > 20:
        lines.append(f"  ... {len(report.integrity_failures) - 20} more (use verbose)")
    for a in report.articles:
        if not a.found:
            lines.append(f"Missing article: {a.file} (no document with this file name)")
    if report.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines += [f"  - {w}" for w in dict.fromkeys(report.warnings)]
    if verbose:
        lines.append("")
        lines.append("Per-record differences:")
        if not report.diffs:
            lines.append("  (none)")
        rank = {c: i for i, c in enumerate(CATEGORIES)}
        kinds = {"missed": 0, "spurious": 1, "mismatch": 2}
        for d in sorted(
            report.diffs, key=lambda d: (rank.get(d.category, 9), d.article, kinds.get(d.kind, 3))
        ):
            if d.kind == "missed":
                lines.append(f"  [{d.category}] {d.article} MISSED   gold: {d.gold}")
            elif d.kind == "spurious":
                lines.append(f"  [{d.category}] {d.article} SPURIOUS {d.produced}")
            else:
                lines.append(
                    f"  [{d.category}] {d.article} {d.field}: gold={d.gold_value!r} produced={d.produced_value!r}"
                    f"   ({d.gold} | {d.produced})"
                )
    return "\n".join(lines)
