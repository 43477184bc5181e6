"""
### transform_dbt

Scheduled on the `raw` Asset that `ingest_articles` emits: builds the dbt project
(staging -> intermediate -> marts, with every data and unit test), generates the dbt docs
site, then publishes the analyst copy of the marts atomically (Asset `marts`).

```
dbt (Cosmos DbtTaskGroup: each seed, model and its tests shown as tasks)
  -> dbt_docs (dbt docs generate: static site + manifest + catalog)
  -> publish (read-only analyst copy swapped in with os.replace)
```

Every task that opens the DuckDB file runs in the one-slot `warehouse` pool: DuckDB takes
one writing process per file. `CONFLICTWATCH_DBT_MODE` picks how dbt runs: `watcher`
(default: one `dbt build`, each model watched as its own task), `local` (one dbt call per
model, queued by the pool) or `build` (a single task); see docs/orchestration.md.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

from conflictwatch.airflow.callbacks import on_dag_failure, on_task_failure
from conflictwatch.airflow.dbt import dbt_mode, dbt_task_group

RAW = Asset("raw")
MARTS = Asset("marts")

default_args = {
    "owner": "conflictwatch",
    "retries": 1,
    "retry_delay": timedelta(minutes=1),
    # datetime.timedelta, not pendulum: a deferred watcher serialises its timeout for the triggerer
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": on_task_failure,
}


@dag(
    dag_id="transform_dbt",
    schedule=[RAW],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    tags=["conflictwatch", "dbt"],
    default_args=default_args,
    on_failure_callback=on_dag_failure,
    doc_md=__doc__,
)
def transform_dbt():
    mode = dbt_mode()
    if mode == "build":

        @task(pool="warehouse")
        def dbt_build() -> str:
            """dbt build: seeds, models and tests in dependency order, in one task."""
            import logging

            from conflictwatch.config import get_settings
            from conflictwatch.transform import dbt_build as build
            from conflictwatch.transform import dbt_summary

            settings = get_settings()
            output = build(settings.warehouse, settings).output
            logging.getLogger("conflictwatch.transform").info("dbt build: %s", dbt_summary(output))
            return output[-2000:]

        dbt = dbt_build()
    else:
        dbt = dbt_task_group(mode)

    @task(pool="warehouse")
    def dbt_docs() -> str:
        """dbt docs generate: the static docs site with the lineage graph (and the manifest Cosmos renders)."""
        import logging

        from conflictwatch.config import get_settings
        from conflictwatch.transform import dbt_docs_generate, dbt_summary

        settings = get_settings()
        output = dbt_docs_generate(settings.warehouse, settings).output
        logging.getLogger("conflictwatch.transform").info(
            "dbt docs generate: %s; site in %s (Browse -> dbt docs in the UI)",
            dbt_summary(output), settings.warehouse.parent / "dbt_target")
        return output[-2000:]

    @task(pool="warehouse", outlets=[MARTS])
    def publish() -> str:
        """Swap in the read-only analyst copy of the marts and write the export pack beside it."""
        import logging

        from airflow.sdk import get_current_context

        from conflictwatch.config import get_settings
        from conflictwatch.publish import event_extra
        from conflictwatch.transform import publish_analyst_copy

        warehouse = get_settings().warehouse
        path = publish_analyst_copy(warehouse)
        # The marts Asset event says where the analyst copy and the exports are, and what they hold
        # (the Asset's page in the UI).
        extra = event_extra(path, warehouse)
        get_current_context()["outlet_events"][MARTS].extra = extra
        logging.getLogger("conflictwatch.publish").info(
            "publish: %s (exports %s): %s documents, %s frames, %s incidents from %s reports",
            path, extra["exports"], extra.get("documents"), extra.get("frames"), extra.get("incidents"),
            extra.get("incident_reports"))
        return str(path)

    dbt >> dbt_docs() >> publish()


transform_dbt()
