"""
### ingest_articles

Finds new articles, extracts their main text, tags them with spaCy and the project's
components, and loads the raw tables of the warehouse. Emits the `raw` Asset, which
schedules `transform_dbt`.

```
select_reprocess (warehouse pool; no-op unless reprocess_since) -> discover
  -> process x N (mapped: one task per batch, labelled "batch 3 of desk_rss"; fetch URLs, extract,
                  NLP; one Parquet file each; spread over the Celery workers in the scale-out profile)
  -> load (the warehouse's only writer, one-slot `warehouse` pool, one transaction,
           idempotent by document_id; marks documents seen after commit) -> Asset `raw`
```

**Sources** come from `include/sources.yml` (folders, URL lists, RSS/Atom feeds, sitemaps,
corpora; each with a name and a schedule). This DAG ticks hourly; a scheduled run reads
only the sources whose own schedule fired in the past hour (sources with no schedule are
for manual runs). A **manual run** reads every enabled source, or what the Params say:

* `inputs`: local files, folders or `.jsonl`/`.csv` corpora instead of the declared sources
* `url_list` (a file or URL listing article URLs) / `urls`: web articles instead
* `sources`: only these declared sources, by name (even if disabled)
* `reprocess_since` (YYYY-MM-DD): read, extract and tag again every document published or
  loaded since that day (files re-read, URLs re-fetched) besides anything new
* `force`: ignore the seen-set (ingest again what was ingested before)
* `fetch_allow_hosts`: hosts this run may fetch although they are private (e.g. a test server)

Discovery is incremental (seen-set by URL and content hash, written only after a load
commits). Bad articles never fail the run: they land in `raw.ingest_errors` with stage
and reason. A run that loads no new document skips `load` (after recording any errors) and
emits no Asset event, so no dbt build follows. Every step is a function of
`conflictwatch.ingest`, the same one ingest path `conflictwatch run` takes.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from conflictwatch.airflow.callbacks import on_dag_failure, on_task_failure

RAW = Asset("raw")
TICK = pendulum.duration(hours=1)  # the schedule below; the window a scheduled run checks sources against

default_args = {
    "owner": "conflictwatch",
    "retries": 2,
    "retry_delay": pendulum.duration(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": pendulum.duration(minutes=10),
    "execution_timeout": pendulum.duration(minutes=30),
    "on_failure_callback": on_task_failure,
}


@dag(
    dag_id="ingest_articles",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=pendulum.duration(hours=3),
    tags=["conflictwatch", "ingest"],
    default_args=default_args,
    on_failure_callback=on_dag_failure,
    doc_md=__doc__,
    params={
        "inputs": Param(
            [], type="array", items={"type": "string"},
            description="Local files, folders or .jsonl/.csv corpora to ingest instead of the declared sources.",
        ),
        "url_list": Param(  # null by default: an empty string failed the form's own schema (Trigger disabled)
            None, type=["null", "string"],
            description="A file or http(s) URL listing article URLs, one per line (or CSV with url).",
        ),
        "urls": Param([], type="array", items={"type": "string"}, description="Article URLs to fetch and ingest."),
        "sources": Param(
            [], type="array", items={"type": "string"},
            description="Only these sources of include/sources.yml, by name (empty: every enabled source).",
        ),
        "reprocess_since": Param(
            None, type=["null", "string"], format="date",
            description="Extract and tag again the documents published or loaded on or after this date.",
        ),
        "force": Param(False, type="boolean", description="Ignore the seen-set: ingest again what was ingested."),
        "max_items": Param(None, type=["null", "integer"], minimum=1, description="Cap on new items per source."),
        "batch_size": Param(50, type="integer", minimum=1, maximum=1000, description="Articles per parallel batch."),
        "fetch_allow_hosts": Param(
            [], type="array", items={"type": "string"},
            description="Hosts this run may fetch although they resolve to private addresses (this run only).",
        ),
    },
)
def ingest_articles():
    @task(pool="warehouse", execution_timeout=pendulum.duration(minutes=10))
    def select_reprocess() -> list[dict]:
        """Documents to read and tag again (reprocess_since); empty unless asked."""
        from conflictwatch.ingest import reprocess_items

        return reprocess_items(get_current_context()["params"].get("reprocess_since"))

    @task
    def discover(reprocess: list[dict]) -> list[dict]:
        """New items of the sources due (or given), split into batches; discovery errors kept for load."""
        from conflictwatch.ingest import discover_batches

        context = get_current_context()
        dag_run = context["dag_run"]
        window_end = context.get("logical_date") or dag_run.run_after
        return discover_batches(
            context["params"], context["run_id"],
            manual=str(dag_run.run_type) not in ("scheduled", "DagRunType.SCHEDULED"),
            window_end=window_end, window=TICK, reprocess=reprocess,
        )

    # Each mapped instance is listed by its sources and batch ("batch 3 of desk_rss"), not a bare index.
    @task(max_active_tis_per_dag=8, execution_timeout=pendulum.duration(minutes=45),
          map_index_template="{{ batch_label }}")
    def process(batch: dict) -> str:
        """Fetch, extract and tag one batch of articles into one Parquet file."""
        from conflictwatch.ingest import batch_label, process_batch_spec

        get_current_context()["batch_label"] = batch_label(batch)
        return process_batch_spec(batch)

    @task(pool="warehouse", outlets=[RAW], trigger_rule="none_failed")
    def load() -> dict:
        """Load this run's batch files into raw.* in one transaction (the single writer); mark them seen."""
        from conflictwatch.ingest import DISCOVERY_ERRORS, load_run, raw_event_extra, run_dir

        context = get_current_context()
        run_id = context["run_id"]
        # Pulled, not passed: a run whose discovery found only errors (process mapped over
        # nothing) still loads them; a task argument would skip load with process.
        files = context["ti"].xcom_pull(task_ids="process", default=None) or []
        files = [files] if isinstance(files, str) else [f for f in files if f]
        if not files and not (run_dir(run_id, _settings()) / DISCOVERY_ERRORS).exists():
            raise AirflowSkipException("nothing new to load: the raw Asset is not emitted, no dbt build follows")
        result = load_run(files, run_id)
        if not result["documents"] and not result["aliases"]:
            # Errors alone change no mart (an alias adds a row to dim_document_sources): skipping
            # after the commit keeps them and emits no Asset event.
            raise AirflowSkipException(
                f"no new documents ({result['errors']} ingest errors recorded): "
                "the raw Asset is not emitted, no dbt build follows")
        # The raw Asset event says what this load brought (the Asset's page in the UI).
        context["outlet_events"][RAW].extra = raw_event_extra(result, _settings())
        return result

    process.expand(batch=discover(select_reprocess())) >> load()


def _settings():
    from conflictwatch.config import get_settings

    return get_settings()


ingest_articles()
