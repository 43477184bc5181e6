"""`conflictwatch report`: one self-contained HTML file from the analyst copy.

No server and no internet: the figures are inline SVG drawn here, the few lines of script
are inline, nothing is loaded from elsewhere. Every figure is one query in QUERIES, run
against the analyst copy's marts (tests/test_analyst_outputs.py checks each query's result
against the marts). Every mark carries its evidence sentence: as a tooltip on hover and in
the panel beside the figure on click.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

QUERIES: dict[str, str] = {
    # one point per real-world incident that has coordinates; sized by deaths
    "incident_points": """
        select incident_id, event_date, date_precision, location_name, admin1, latitude, longitude,
               geo_precision, sub_event_type, perpetrator, killed_best, injured_best, n_reports,
               evidence_text
        from marts.fct_incidents
        where latitude is not null and longitude is not null
        order by coalesce(killed_best, 0) desc, incident_id
    """,
    # incidents and deaths per ISO week (Monday) and governorate
    "weekly_by_governorate": """
        select cast(date_trunc('week', event_date) as date) as week, coalesce(admin1, 'unknown') as admin1,
               count(*) as incidents, coalesce(sum(killed_best), 0) as killed
        from marts.fct_incidents
        where event_date is not null
        group by all
        order by week, admin1
    """,
    # who the reports name as perpetrators
    "perpetrators": """
        select coalesce(perpetrator, 'not named') as perpetrator, count(*) as incidents,
               coalesce(sum(killed_best), 0) as killed,
               string_agg(evidence_text, ' | ' order by incident_id) as evidence
        from marts.fct_incidents
        group by all
        order by incidents desc, killed desc, perpetrator
    """,
    # aid-crossing statements over time: one row per statement that names a crossing
    "aid_crossing_status": """
        select coalesce(crossing_name, 'no crossing named') as crossing,
               coalesce(event_date, period_start, published_date) as day,
               kind, coalesce(status, kind) as status, agency, quantity, unit, evidence_text
        from marts.fct_aid_flows
        where crossing_name is not null and coalesce(event_date, period_start, published_date) is not null
        order by crossing, day, aid_flow_id
    """,
    # ceasefire violation statements per agreement
    "violations_per_agreement": """
        select coalesce(a.name, 'no agreement linked') as agreement, count(*) as violations,
               count(*) filter (where v.kind = 'event') as events,
               count(*) filter (where v.kind = 'aggregate') as aggregates,
               coalesce(sum(v.killed), 0) as killed,
               string_agg(v.evidence_text, ' | ' order by v.violation_id) as evidence
        from marts.fct_ceasefire_violations as v
        left join marts.dim_ceasefire_agreements as a on a.agreement_id = v.agreement_id
        group by all
        order by violations desc, agreement
    """,
    # the gazetteer's towns and governorate centres inside the map's frame (the base map)
    "base_places": """
        select name, kind, latitude, longitude
        from marts.dim_locations
        where kind in ('community', 'admin1') and latitude between ? and ? and longitude between ? and ?
    """,
    "totals": """
        select (select count(*) from marts.fct_incidents) as incidents,
               (select coalesce(sum(killed_best), 0) from marts.fct_incidents) as killed,
               (select count(*) from marts.dim_documents) as documents,
               (select count(*) from marts.fct_aid_flows) as aid_flows,
               (select count(*) from marts.fct_ceasefire_violations) as violations,
               (select min(event_date) from marts.fct_incidents) as first_day,
               (select max(event_date) from marts.fct_incidents) as last_day
    """,
}

# northwest Syria: the frame the map starts from (grown to hold every incident)
DEFAULT_FRAME = (35.4, 36.75, 35.8, 37.6)  # lat_min, lat_max, lon_min, lon_max
PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
           "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5", "#dbdb8d", "#393b79"]
MAX_RADIUS = 36.0  # px: the deadliest incidents would otherwise cover the map (the tooltip has the count)


def _radius(killed: int) -> float:
    return min(MAX_RADIUS, 4 + 2.4 * math.sqrt(killed))
STATUS_COLOURS = {"open": "#2ca02c", "extended": "#1f77b4", "renewed": "#1f77b4", "interrupted": "#ff7f0e",
                  "closed": "#d62728", "suspended": "#ff7f0e", "lapsed": "#d62728"}


def query(con: duckdb.DuckDBPyConnection, name: str, params: list | None = None) -> list[dict]:
    cur = con.execute(QUERIES[name], params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def collect(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Every figure's rows, from the marts."""
    data = {name: query(con, name) for name in QUERIES if name != "base_places"}
    data["frame"] = [dict(zip(("lat_min", "lat_max", "lon_min", "lon_max"), _frame(data["incident_points"]), strict=True))]
    f = data["frame"][0]
    data["base_places"] = query(con, "base_places", [f["lat_min"], f["lat_max"], f["lon_min"], f["lon_max"]])
    return data


def _frame(points: list[dict]) -> tuple[float, float, float, float]:
    lat_min, lat_max, lon_min, lon_max = DEFAULT_FRAME
    for p in points:
        lat_min, lat_max = min(lat_min, p["latitude"] - 0.1), max(lat_max, p["latitude"] + 0.1)
        lon_min, lon_max = min(lon_min, p["longitude"] - 0.1), max(lon_max, p["longitude"] + 0.1)
    return lat_min, lat_max, lon_min, lon_max


# --- drawing ---------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _mark(shape: str, tooltip: str, detail: str) -> str:
    """An SVG element with a hover tooltip and the click-to-read detail."""
    return f'<g class="mark" tabindex="0" data-detail="{_e(detail)}">{shape}<title>{_e(tooltip)}</title></g>'


def _colour_map(keys: list[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}


def draw_map(data: dict, width: int = 760, height: int = 560) -> str:
    f = data["frame"][0]
    kx = math.cos(math.radians((f["lat_min"] + f["lat_max"]) / 2))
    sx = width / ((f["lon_max"] - f["lon_min"]) * kx)
    sy = height / (f["lat_max"] - f["lat_min"])
    s = min(sx, sy)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - f["lon_min"]) * kx * s, height - (lat - f["lat_min"]) * s

    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="Map of incidents" class="map"><rect width="{width}" height="{height}" fill="#f6f4ef"/>']
    for p in data["base_places"]:
        x, y = xy(p["latitude"], p["longitude"])
        if p["kind"] == "admin1":
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" class="gov">{_e(p["name"])}</text>')
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="0.9" fill="#c9c3b5"/>')
    types = sorted({p["sub_event_type"] or "unknown" for p in data["incident_points"]})
    colours = _colour_map(types)
    for p in data["incident_points"]:  # largest first, so small ones stay clickable on top
        x, y = xy(p["latitude"], p["longitude"])
        killed = p["killed_best"] or 0
        r = _radius(killed)
        tip = (f'{p["event_date"] or "undated"} {p["location_name"]} ({p["admin1"]}): {p["sub_event_type"]}, '
               f'{p["perpetrator"] or "perpetrator not named"}; killed {_n(p["killed_best"])}, injured {_n(p["injured_best"])}'
               f' — "{p["evidence_text"]}"')
        parts.append(_mark(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colours[p["sub_event_type"] or "unknown"]}" '
            f'fill-opacity="0.55" stroke="#333" stroke-width="0.8"/>', tip, tip))
    # scale bar: 20 km
    km = 20 * s / 111.32
    parts.append(f'<line x1="12" y1="{height - 14}" x2="{12 + km:.1f}" y2="{height - 14}" stroke="#333" stroke-width="2"/>'
                 f'<text x="12" y="{height - 20}" class="small">20 km</text></svg>')
    legend = "".join(f'<span class="key"><i style="background:{c}"></i>{_e(t)}</span>' for t, c in colours.items())
    sizes = "".join(
        f'<span class="key"><svg width="{2 * _radius(k) + 2:.0f}" height="{2 * _radius(k) + 2:.0f}">'
        f'<circle cx="{_radius(k) + 1:.1f}" cy="{_radius(k) + 1:.1f}" r="{_radius(k):.1f}" '
        f'fill="none" stroke="#333"/></svg>{k} killed</span>' for k in (0, 5, 20, 100)) + f'<span class="key">(same size from {round(((MAX_RADIUS - 4) / 2.4) ** 2)} killed)</span>'
    return "".join(parts) + f'<div class="legend">{legend}{sizes}</div>'


def _n(v: object) -> str:
    return "?" if v is None else str(v)


def _time_axis(days: list[date], x0: float, x1: float) -> tuple:
    lo, hi = min(days), max(days)
    lo, hi = lo - timedelta(days=7), hi + timedelta(days=7)
    span = max(1, (hi - lo).days)

    def x(d: date) -> float:
        return x0 + (d - lo).days / span * (x1 - x0)

    ticks = []
    years = range(lo.year, hi.year + 1)
    if len(years) > 1:
        ticks = [date(y, 1, 1) for y in years if lo <= date(y, 1, 1) <= hi]
        fmt = "%Y"
    else:
        ticks = [date(lo.year, m, 1) for m in range(1, 13) if lo <= date(lo.year, m, 1) <= hi]
        fmt = "%b %Y"
    if not ticks or (ticks[0] - lo).days > 60:
        first = lo + timedelta(days=7)
        ticks.insert(0, first)
        return x, [(x(t), t.strftime("%b %Y" if i == 0 else fmt)) for i, t in enumerate(ticks)]
    return x, [(x(t), t.strftime(fmt)) for t in ticks]


def draw_timeline(data: dict, width: int = 760, height: int = 260) -> str:
    rows = data["weekly_by_governorate"]
    if not rows:
        return '<p class="empty">No dated incidents.</p>'
    govs = sorted({r["admin1"] for r in rows})
    colours = _colour_map(govs)
    x, ticks = _time_axis([r["week"] for r in rows], 40, width - 10)
    by_week: dict[date, list[dict]] = defaultdict(list)
    for r in rows:
        by_week[r["week"]].append(r)
    top = max(sum(r["incidents"] for r in rs) for rs in by_week.values())
    base, plot_h = height - 30, height - 50
    week_px = x(rows[0]["week"] + timedelta(days=7)) - x(rows[0]["week"])
    bar_w = max(3.0, min(14.0, week_px * 0.85))
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="Weekly incidents by governorate">']
    step = next(st for st in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if top / st <= 8)
    for k in range(0, top + 1, step):
        y = base - k / top * plot_h
        parts.append(f'<line x1="40" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/><text x="34" y="{y + 4:.1f}" class="small" text-anchor="end">{k}</text>')
    for tx, label in ticks:
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{base}" y2="{base + 5}" stroke="#333"/><text x="{tx:.1f}" y="{base + 18}" class="small" text-anchor="middle">{label}</text>')
    for week, rs in sorted(by_week.items()):
        y = base
        for r in rs:
            h = r["incidents"] / top * plot_h
            y -= h
            tip = f'week of {week}: {r["admin1"]}, {r["incidents"]} incidents, {r["killed"]} killed'
            parts.append(_mark(f'<rect x="{x(week) - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colours[r["admin1"]]}"/>', tip, tip))
    parts.append(f'<line x1="40" x2="{width - 10}" y1="{base}" y2="{base}" stroke="#333"/></svg>')
    legend = "".join(f'<span class="key"><i style="background:{c}"></i>{_e(g)}</span>' for g, c in colours.items())
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def draw_bars(rows: list[dict], label: str, value: str, extra: str, width: int = 760, colour: str = "#1f77b4") -> str:
    if not rows:
        return '<p class="empty">None in the marts.</p>'
    top = max(r[value] for r in rows) or 1
    row_h, left = 26, 300
    height = row_h * len(rows) + 10
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{_e(label)}">']
    for i, r in enumerate(rows):
        y = 5 + i * row_h
        w = r[value] / top * (width - left - 90)
        tip = f'{r[label]}: {r[value]} {value}, {r[extra]} killed'
        detail = tip + "\n\n" + "\n".join(f"“{s}”" for s in (r.get("evidence") or "").split(" | ") if s)
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" class="label">{_e(_clip(r[label], 40))}</text>')
        parts.append(_mark(f'<rect x="{left}" y="{y + 3}" width="{max(w, 2):.1f}" height="{row_h - 8}" fill="{colour}"/>', tip, detail))
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 16}" class="small">{r[value]} ({r[extra]} killed)</text>')
    return "".join(parts) + "</svg>"


def _clip(text: object, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def draw_aid(data: dict, width: int = 760) -> str:
    rows = data["aid_crossing_status"]
    if not rows:
        return '<p class="empty">No aid-flow statement in the marts names a crossing.</p>'
    crossings = sorted({r["crossing"] for r in rows}, key=lambda c: (c == "no crossing named", c))
    row_h, left = 34, 170
    height = row_h * len(crossings) + 40
    x, ticks = _time_axis([r["day"] for r in rows], left, width - 20)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="Aid crossing status over time">']
    base = row_h * len(crossings) + 8
    for tx, label in ticks:
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="0" y2="{base}" class="grid"/><text x="{tx:.1f}" y="{base + 16}" class="small" text-anchor="middle">{label}</text>')
    for i, c in enumerate(crossings):
        y = 8 + i * row_h + row_h / 2
        parts.append(f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end" class="label">{_e(c)}</text>'
                     f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        for r in (r for r in rows if r["crossing"] == c):
            colour = STATUS_COLOURS.get(r["status"], "#7f7f7f")
            qty = f', {r["quantity"]:g} {r["unit"] or ""}' if r["quantity"] is not None else ""
            tip = f'{r["day"]} {c}: {r["kind"]}, {r["status"]}{qty} — "{r["evidence_text"]}"'
            parts.append(_mark(f'<circle cx="{x(r["day"]):.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#333"/>', tip, tip))
    parts.append("</svg>")
    statuses = sorted({r["status"] for r in rows})
    legend = "".join(f'<span class="key"><i style="background:{STATUS_COLOURS.get(s, "#7f7f7f")}"></i>{_e(s)}</span>' for s in statuses)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fff}
header{padding:18px 28px;background:#20313b;color:#fff}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}main{display:grid;grid-template-columns:minmax(0,800px) minmax(260px,1fr);gap:24px;padding:20px 28px}
section{margin-bottom:28px}h2{font-size:17px;margin:0 0 6px}p.note{margin:0 0 8px;color:#555;font-size:13px}
.stats{display:flex;gap:14px;flex-wrap:wrap;margin-bottom:18px}.stat{background:#f2f4f5;border-radius:6px;padding:8px 12px}
.stat b{display:block;font-size:20px}aside{position:sticky;top:12px;align-self:start;background:#fbfaf6;border:1px solid #ddd;
border-radius:6px;padding:12px 14px;max-height:90vh;overflow:auto}aside h2{font-size:15px}#detail{white-space:pre-wrap}
.mark{cursor:pointer}.mark:focus{outline:none}.mark:hover circle,.mark:hover rect,.mark:focus circle,.mark:focus rect{stroke:#000;stroke-width:2}
.mark.selected circle,.mark.selected rect{stroke:#000;stroke-width:3}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin-top:4px}.key{display:inline-flex;align-items:center;gap:5px}
.key i{display:inline-block;width:11px;height:11px;border-radius:2px}.small{font-size:11px;fill:#444}.label{font-size:12px;fill:#222}
.gov{font-size:13px;fill:#8a8270;font-weight:600;letter-spacing:.5px}.grid{stroke:#e4e4e4}svg{max-width:100%;height:auto}
footer{padding:8px 28px 24px;color:#666;font-size:12px}
"""

SCRIPT = """
document.querySelectorAll('.mark').forEach(function(m){
  function show(){document.querySelectorAll('.mark.selected').forEach(function(s){s.classList.remove('selected')});
    m.classList.add('selected');document.getElementById('detail').textContent=m.getAttribute('data-detail');}
  m.addEventListener('click',show);m.addEventListener('keydown',function(e){if(e.key==='Enter')show();});
});
"""


def render(data: dict, source: str = "") -> str:
    t = data["totals"][0]
    stats = "".join(f'<div class="stat"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in (
        ("incidents", t["incidents"]), ("killed (best estimate)", t["killed"]), ("articles", t["documents"]),
        ("aid-flow statements", t["aid_flows"]), ("ceasefire violations", t["violations"])))
    period = f'{t["first_day"]} to {t["last_day"]}' if t["first_day"] else "no dated incidents"
    sections = [
        ("Incidents on the map", "One circle per incident merged across articles (fct_incidents), at its place's coordinates "
         "(governorate centroid when only the governorate is known); area grows with the deaths. Grey dots: towns of the gazetteer.",
         draw_map(data)),
        ("Incidents per week, by governorate", "Dated incidents per ISO week (Monday), stacked by governorate.", draw_timeline(data)),
        ("Perpetrators", "Incidents per perpetrator as the reports name them (dim_actors' canonical names).",
         draw_bars(data["perpetrators"], "perpetrator", "incidents", "killed")),
        ("Aid crossings over time", "Statements that name a crossing (fct_aid_flows): colour is the status stated (or the kind of statement).",
         draw_aid(data)),
        ("Ceasefire violations per agreement", "Violation statements (fct_ceasefire_violations) per agreement they were linked to.",
         draw_bars(data["violations_per_agreement"], "agreement", "violations", "killed", colour="#9467bd")),
    ]
    body = "".join(f'<section><h2>{_e(h)}</h2><p class="note">{_e(n)}</p>{fig}</section>' for h, n, fig in sections)
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>conflictwatch report</title><style>{CSS}</style></head><body>"
        f'<header><h1>conflictwatch: northwest Syria</h1><p>Incidents {_e(period)} · from {_e(source)} · written {written}</p></header>'
        f'<main><div><div class="stats">{stats}</div>{body}</div>'
        '<aside><h2>Evidence</h2><div id="detail">Hover over a mark to read its sentence; click to keep it here.</div></aside></main>'
        "<footer>Every figure is one query over the marts (conflictwatch.report.QUERIES); every mark's text is the sentence "
        "it was read from. Places: OCHA Syria / HDX (CC BY 3.0 IGO), Open-Syria, GeoNames (CC BY 4.0).</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def write_report(analyst_file: Path, out: Path) -> Path:
    """Read the analyst copy (read-only) and write the report to `out`."""
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        data = collect(con)
    finally:
        con.close()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render(data, Path(analyst_file).name), encoding="utf-8")
    tmp.replace(out)
    return out
