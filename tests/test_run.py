"""run.py: the stage order, as the CLI and the DAG tasks share it."""

from __future__ import annotations

import pytest

from conflictwatch.fetch import fetch
from conflictwatch.ingest import REPROCESS, _read_raw
from conflictwatch.records import IngestFailure, SourceItem

from .httpserver import loopback_policy, running_server


@pytest.fixture(scope="module")
def web_server():
    with running_server() as server:
        yield server


def test_reprocessing_a_url_reads_the_archive_instead_of_refetching(web_server, settings):
    # GIVEN a page fetched (and archived) once, whose server then goes away
    url = web_server.url("/articles/bab-al-hawa-convoy.html")
    first = fetch(url, loopback_policy(), settings.archive_dir)
    web_server.stop()
    # WHEN the same URL is read again for reprocessing
    body = _read_raw(SourceItem(source_uri=url, kind="url", url=url, source_config=REPROCESS), settings)
    # THEN the archived bytes come back, without a request
    assert body == first.body


def test_reprocessing_a_url_never_archived_falls_back_to_fetching(settings):
    url = "http://127.0.0.1:9/never-fetched.html"
    item = SourceItem(source_uri=url, kind="url", url=url, source_config=REPROCESS)
    with pytest.raises(IngestFailure) as err:
        _read_raw(item, settings)
    assert err.value.stage == "fetch"
