"""Build include/reference/places.csv from the shared gazetteer sources.

Reads (at build time only; the pipeline reads only the committed CSV):
  ../shared/gazetteer/ocha/        OCHA Syria / HDX populated places, CC BY 3.0 IGO
  ../shared/gazetteer/opensyria/   Open-Syria data-geography admin aliases + centroids, CC BY 4.0
  ../shared/gazetteer/geonames/    GeoNames cities500 (Syria) alternate names, CC BY 4.0
  include/reference/places_curated.csv   countries, crossings, roads, regions (hand-curated)

Usage: .venv/bin/python scripts/build_gazetteer.py [--source DIR] [--out FILE]
Same input, same output (rows sorted by kind then location_id).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from conflictwatch.nlp.kit.translit import fold, place_key, skeleton_key, strip_qualifier  # noqa: E402

COLUMNS = ["location_id", "name", "kind", "admin1", "admin1_pcode", "admin2", "admin2_pcode", "admin3",
           "latitude", "longitude", "aliases", "source"]
KIND_ORDER = ["country", "admin1", "admin2", "admin3", "region", "crossing", "road", "community", "neighbourhood"]

# English forms of governorate names that news uses and the sources lack.
ADMIN1_EXTRA = {
    "SY07": ["Idlib", "Idleb", "Edlib", "Idlib province", "Idlib governorate"],
    "SY02": ["Aleppo", "Halab", "Haleb"],
    "SY05": ["Hama", "Hamah", "Hamaa"],
    "SY06": ["Latakia", "Lattakia", "Latakiya", "Al-Ladhiqiyah", "Ladhiqiyah", "Lattaquié"],
    "SY04": ["Homs", "Hims"],
    "SY01": ["Damascus", "Dimashq"],
    "SY03": ["Rural Damascus", "Damascus countryside", "Rif Dimashq", "Reef Damascus"],
    "SY08": ["Hasakah", "Hasaka", "Hassakeh", "al-Hasakah"],
    "SY09": ["Deir ez-Zor", "Deir al-Zor", "Deir Ezzor", "Deir el-Zour"],
    "SY10": ["Tartus", "Tartous", "Tartous"],
    "SY11": ["Raqqa", "Raqqah", "al-Raqqa"],
    "SY12": ["Daraa", "Deraa", "Dar'a"],
    "SY13": ["Sweida", "Suwayda", "as-Suwayda"],
    "SY14": ["Quneitra", "Qunaytirah"],
}
# Alias words that say the level, not the name ("Idlib Governorate"): the matcher reads these as cues.
LEVEL_WORDS = ("governorate", "district", "subdistrict", "sub-district", "nahiya", "nahiyat", "mantiqat",
               "muhafazat", "markaz", "province", "mohafazat")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "ʿʾ‘’ḩḨṣṢṭṬḍḌẓẒ" or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text)


def good_alias(alias: str) -> bool:
    """Latin-script, not a machine transliteration ('nahyt mrkz'), not a level-word form."""
    if not alias or not is_latin(alias) or alias == alias.lower():
        return False
    low = fold(alias)
    return not any(w in low.split() for w in LEVEL_WORDS) and not low.startswith(LEVEL_WORDS)


def join_aliases(name: str, aliases: list[str]) -> str:
    seen = {name.lower()}
    out = []
    for a in aliases:
        a = a.strip().replace("|", "/")
        if a and a.lower() not in seen:
            seen.add(a.lower())
            out.append(a)
    return "|".join(out)


def fmt(x: float | str | None) -> str:
    if x in (None, ""):
        return ""
    return f"{float(x):.6f}".rstrip("0").rstrip(".")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def opensyria_by_pcode(src: Path, file: str) -> dict[str, dict]:
    records = json.loads((src / "opensyria" / file).read_text(encoding="utf-8"))
    return {r["externalIds"]["ochaPcode"]: r for r in records if r.get("externalIds", {}).get("ochaPcode")}


def build(src: Path, curated_path: Path) -> list[dict[str, str]]:
    ocha = src / "ocha"
    rows: list[dict[str, str]] = []
    a1_names: dict[str, str] = {}
    a2_names: dict[str, tuple[str, str, str]] = {}
    os_a1 = opensyria_by_pcode(src, "governorates.json")
    os_a2 = opensyria_by_pcode(src, "districts.json")
    os_a3 = opensyria_by_pcode(src, "subdistricts.json")
    locations = read_csv(ocha / "syr_locations.csv")

    # Admin centroids from Open-Syria; fall back to the mean of the OCHA communities inside.
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for r in locations:
        if r["Latitude_y"] and r["Longitude_x"]:
            for code in (r["admin1Pcode"], r["admin2Pcode"], r["admin3Pcode"]):
                s = sums[code]
                s[0] += float(r["Latitude_y"])
                s[1] += float(r["Longitude_x"])
                s[2] += 1

    def centroid(code: str, rec: dict | None) -> tuple[str, str]:
        if rec and rec.get("centroid"):
            return fmt(rec["centroid"]["latitude"]), fmt(rec["centroid"]["longitude"])
        s = sums.get(code)
        return (fmt(s[0] / s[2]), fmt(s[1] / s[2])) if s and s[2] else ("", "")

    def os_aliases(rec: dict | None) -> list[str]:
        if not rec:
            return []
        names = [rec["name"]["en"]] + [a["value"] for a in rec.get("aliases", []) if a.get("language") == "en"]
        return [a for a in names if good_alias(a)]

    for r in read_csv(ocha / "syr_admin1.csv"):
        code = r["admin1Pcode"]
        a1_names[code] = r["admin1Name_en"]
        rec = os_a1.get(code)
        lat, lon = centroid(code, rec)
        name = r["admin1Name_en"]
        aliases = [r["admin1RefName"], *ADMIN1_EXTRA.get(code, []), *os_aliases(rec)]
        rows.append(dict(location_id=code, name=name, kind="admin1", admin1=name, admin1_pcode=code, admin2="",
                         admin2_pcode="", admin3="", latitude=lat, longitude=lon,
                         aliases=join_aliases(name, [a for a in aliases if good_alias(a) or a in ADMIN1_EXTRA.get(code, [])]),
                         source="OCHA Syria / HDX (CC BY 3.0 IGO); aliases Open-Syria (CC BY 4.0)"))
    for r in read_csv(ocha / "syr_admin2.csv"):
        code = r["admin2Pcode"]
        a2_names[code] = (r["admin2Name_en"], r["admin1Name_en"], r["admin1Pcode"])
        rec = os_a2.get(code)
        lat, lon = centroid(code, rec)
        rows.append(dict(location_id=code, name=r["admin2Name_en"], kind="admin2", admin1=r["admin1Name_en"],
                         admin1_pcode=r["admin1Pcode"], admin2=r["admin2Name_en"], admin2_pcode=code, admin3="",
                         latitude=lat, longitude=lon,
                         aliases=join_aliases(r["admin2Name_en"], [r["admin2RefName"], *os_aliases(rec)]),
                         source="OCHA Syria / HDX (CC BY 3.0 IGO); aliases Open-Syria (CC BY 4.0)"))
    for r in read_csv(ocha / "syr_admin3.csv"):
        code = r["admin3Pcode"]
        rec = os_a3.get(code)
        lat, lon = centroid(code, rec)
        rows.append(dict(location_id=code, name=r["admin3Name_en"], kind="admin3", admin1=r["admin1Name_en"],
                         admin1_pcode=r["admin1Pcode"], admin2=r["admin2Name_en"], admin2_pcode=r["admin2Pcode"],
                         admin3=r["admin3Name_en"], latitude=lat, longitude=lon,
                         aliases=join_aliases(r["admin3Name_en"], [r["admin3RefName_en"], *os_aliases(rec)]),
                         source="OCHA Syria / HDX (CC BY 3.0 IGO); aliases Open-Syria (CC BY 4.0)"))

    communities: dict[str, dict[str, str]] = {}
    extra_aliases: dict[str, list[str]] = defaultdict(list)
    for r in locations:
        kind = "community" if r["location_type"] == "Community" else "neighbourhood"
        name = r["LocationName_en"].strip()
        aliases = [strip_qualifier(name)] if "(" in name else []
        if " - " in name or "_" in name:  # OCHA joins two names of one place ("Barakeh - Dweirek")
            aliases += [p.strip() for p in name.replace("_", " - ").split(" - ") if p.strip()]
        row = dict(location_id=r["Location_Pcode"], name=name, kind=kind, admin1=r["admin1Name_en"],
                   admin1_pcode=r["admin1Pcode"], admin2=r["admin2Name_en"], admin2_pcode=r["admin2Pcode"],
                   admin3=r["admin3Name_en"], latitude=fmt(r["Latitude_y"]), longitude=fmt(r["Longitude_x"]),
                   aliases="", source="OCHA Syria / HDX (CC BY 3.0 IGO)")
        extra_aliases[row["location_id"]] = aliases
        communities[row["location_id"]] = row
        rows.append(row)

    # GeoNames towns -> the OCHA community at the same spot with the same consonant skeleton.
    header = (src / "geonames" / "SY_cities500.header.tsv").read_text(encoding="utf-8").strip().split("\t")
    linked = 0
    community_list = [c for c in communities.values() if c["kind"] == "community" and c["latitude"]]
    with (src / "geonames" / "SY_cities500.txt").open(encoding="utf-8") as f:
        for line in f:
            g = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            lat, lon = float(g["latitude"]), float(g["longitude"])
            names = [g["name"], g["asciiname"], *g["alternatenames"].split(",")]
            names = [n for n in names if n and is_latin(n) and n != n.lower()]
            skeletons = {skeleton_key(n) for n in names} | {skeleton_key(strip_qualifier(n)) for n in names}
            best = None
            for c in community_list:
                d = km(lat, lon, float(c["latitude"]), float(c["longitude"]))
                if d <= 8 and skeleton_key(strip_qualifier(c["name"])) in skeletons and (best is None or d < best[0]):
                    best = (d, c)
            if best:
                linked += 1
                c = best[1]
                extra_aliases[c["location_id"]] += names
                c["source"] = "OCHA Syria / HDX (CC BY 3.0 IGO); aliases GeoNames (CC BY 4.0)"
    for code, c in communities.items():
        c["aliases"] = join_aliases(c["name"], extra_aliases[code])
    rows.extend(city_areas(ocha, communities))
    print(f"GeoNames towns linked to OCHA communities: {linked}", file=sys.stderr)

    by_name = {v: k for k, v in a1_names.items()}
    a2_by_name = {(n, a1): code for code, (n, a1, _) in a2_names.items()}
    for r in read_csv(curated_path):
        row = {c: r.get(c, "") for c in COLUMNS}
        if row["admin1"]:
            row["admin1_pcode"] = by_name[row["admin1"]]
        if row["admin2"]:
            row["admin2_pcode"] = a2_by_name[(row["admin2"], row["admin1"])]
        rows.append(row)

    apply_admin1_display_names(rows)
    ids = [r["location_id"] for r in rows]
    dupes = {i for i in ids if ids.count(i) > 1} if len(ids) != len(set(ids)) else set()
    if dupes:
        raise SystemExit(f"duplicate location_id: {sorted(dupes)[:10]}")
    rows.sort(key=lambda r: (KIND_ORDER.index(r["kind"]), r["location_id"]))
    return rows


# English reporting spellings of OCHA's city areas ("Jobar" for OCHA's "Jowbar").
AREA_ALIASES = {
    "Jowbar": ["Jobar"], "Burza": ["Barzeh", "Barza"], "Kafar Soussa": ["Kafr Sousa", "Kafr Souseh", "Kafrsouseh"],
    "Mazzeh": ["Mezzeh", "Mezze"], "Muhajerin": ["Muhajireen", "Al-Muhajireen"], "Qaboun": ["Qabun"],
    "Midan": ["Al-Midan", "Maidan"], "Salhiyeh": ["Salihiyeh", "Al-Salihiyah"], "Dummar": ["Dumar"],
}


def city_areas(ocha: Path, communities: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """OCHA's city areas (Damascus' Midan, Jowbar, Mazzeh ...: each a group of its neighbourhoods), as
    neighbourhood rows at the mean of their neighbourhoods' points: news names the area far more
    often than the neighbourhoods OCHA splits it into. An area a neighbourhood already names is left out."""
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in read_csv(ocha / "syr_city_neighbourhoods.csv"):
        if r["areaPcode"] not in ("", "<Null>") and r["areaName_en"] not in ("", "<Null>"):
            members[r["areaPcode"]].append(r)
    named = {(c["admin1_pcode"], place_key(strip_qualifier(c["name"]))) for c in communities.values() if c["kind"] == "neighbourhood"}
    out = []
    for code, rs in sorted(members.items()):
        r = rs[0]
        if (r["admin1Pcode"], place_key(r["areaName_en"])) in named:
            continue  # a neighbourhood of the same name already stands for it (Qaboun)
        points = [(float(n["latitude"]), float(n["longitude"])) for n in (communities.get(x["Neighbourhood_Pcode"]) for x in rs)
                  if n and n["latitude"]]
        lat, lon = (fmt(sum(p[0] for p in points) / len(points)), fmt(sum(p[1] for p in points) / len(points))) if points else ("", "")
        name = r["areaName_en"].strip()
        out.append(dict(location_id=f"area:{r['admin4Pcode']}:{code}", name=name, kind="neighbourhood",
                        admin1=r["admin1Name_en"], admin1_pcode=r["admin1Pcode"], admin2=r["admin2Name_en"],
                        admin2_pcode=r["admin2Pcode"], admin3=r["admin3Name_en"], latitude=lat, longitude=lon,
                        aliases=join_aliases(name, AREA_ALIASES.get(name, [])), source="OCHA Syria / HDX (CC BY 3.0 IGO): city area"))
    return out


def apply_admin1_display_names(rows: list[dict]) -> None:
    """Governorates by the names English-language reporting and analysts use (Idlib, Latakia),
    the first entry of ADMIN1_EXTRA; OCHA's transliteration (Idleb, Lattakia) stays an alias
    and the P-code stays in admin1_pcode."""
    display = {code: names[0] for code, names in ADMIN1_EXTRA.items()}
    for row in rows:
        name = display.get(row.get("admin1_pcode", ""))
        if not name:
            continue
        if row["kind"] == "admin1" and row["name"] != name:
            row["aliases"] = join_aliases(name, [row["name"], *filter(None, row["aliases"].split("|"))])
            row["name"] = name
        row["admin1"] = name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "gazetteer")
    parser.add_argument("--curated", type=Path, default=ROOT / "include" / "reference" / "places_curated.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "include" / "reference" / "places.csv")
    args = parser.parse_args(argv)
    rows = build(args.source, args.curated)
    crossings = read_csv(args.out.parent / "crossings.csv")
    known = {r["location_id"] for r in rows}
    missing = [c["location_id"] for c in crossings if c["location_id"] not in known]
    if missing:
        raise SystemExit(f"crossings.csv ids missing from places: {missing}")
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["kind"]] += 1
    print(f"wrote {len(rows)} rows to {args.out}: {dict(counts)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
