"""Are two warehouses' outputs identical? For speed changes that must not change any output.

    .venv/bin/python benchmarks/compare_warehouses.py A.duckdb B.duckdb [--schemas marts,reference,qa]

Compares every table and view of the given schemas (default: marts, reference, qa): the same
tables, the same columns and types, and the same rows as multisets (order aside; columns whose
name ends in `_at`, load and build timestamps, left out). Works on the working warehouse and
on the analyst copy alike. Prints one line per difference and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

SCHEMAS = ("marts", "reference", "qa")


def _tables(con: duckdb.DuckDBPyConnection, db: str, schemas: tuple[str, ...]) -> dict[tuple[str, str], list]:
    rows = con.execute(
        """select table_schema, table_name, column_name, data_type from information_schema.columns
           where table_catalog = ? and table_schema in (select unnest(?)) order by 1, 2, ordinal_position""",
        [db, list(schemas)],
    ).fetchall()
    out: dict[tuple[str, str], list] = {}
    for schema, table, column, dtype in rows:
        out.setdefault((schema, table), []).append((column, dtype))
    return out


def compare(a: Path, b: Path, schemas: tuple[str, ...] = SCHEMAS) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    ta, tb = _tables(con, "a", schemas), _tables(con, "b", schemas)
    diffs = [f"only in A: {s}.{t}" for s, t in sorted(ta.keys() - tb.keys())]
    diffs += [f"only in B: {s}.{t}" for s, t in sorted(tb.keys() - ta.keys())]
    for key in sorted(ta.keys() & tb.keys()):
        schema, table = key
        if ta[key] != tb[key]:
            diffs.append(f"{schema}.{table}: columns differ: {ta[key]} vs {tb[key]}")
            continue
        cols = ", ".join(f'"{c}"' for c, _ in ta[key] if not c.endswith("_at")) or "1"
        rel = f'"{schema}"."{table}"'
        n_a = con.execute(f"select count(*) from a.{rel}").fetchone()[0]
        n_b = con.execute(f"select count(*) from b.{rel}").fetchone()[0]
        only_a = con.execute(f"select count(*) from (select {cols} from a.{rel} except all select {cols} from b.{rel})").fetchone()[0]
        only_b = con.execute(f"select count(*) from (select {cols} from b.{rel} except all select {cols} from a.{rel})").fetchone()[0]
        if n_a != n_b or only_a or only_b:
            diffs.append(f"{schema}.{table}: {n_a} vs {n_b} rows; {only_a} only in A, {only_b} only in B")
    con.close()
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--schemas", default=",".join(SCHEMAS))
    args = parser.parse_args(argv)
    schemas = tuple(s.strip() for s in args.schemas.split(",") if s.strip())
    diffs = compare(args.a, args.b, schemas)
    con = duckdb.connect(str(args.a), read_only=True)
    n = con.execute("select count(*) from information_schema.tables where table_schema in (select unnest(?))",
                    [list(schemas)]).fetchone()[0]
    con.close()
    for d in diffs:
        print(d)
    print(f"{'identical' if not diffs else f'{len(diffs)} difference(s)'}: {n} tables of {', '.join(schemas)} "
          f"({args.a} vs {args.b}; rows as multisets, *_at columns aside)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
