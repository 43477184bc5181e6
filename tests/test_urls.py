"""URL normalisation: tracking parameters, host case, default ports and fragments never make the
same article look new, in the seen-set, within a source and across sources. Offline."""

from __future__ import annotations

import pytest

from conflictwatch import ingest
from conflictwatch.feeds import discover_web
from conflictwatch.seen import SeenStore, normalize_url
from conflictwatch.sourceconfig import FetchPolicy, SourceConfig

ARTICLE = "https://news.example.org/syria/idlib-shelling?id=42&page=2"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        "https://News.Example.ORG:443/syria/idlib-shelling?id=42&page=2#comments",
        "https://news.example.org/syria/idlib-shelling?utm_source=twitter&id=42&utm_medium=social&page=2",
        "https://news.example.org/syria/idlib-shelling?id=42&fbclid=IwAR0abc&page=2&gclid=xyz",
        "https://news.example.org/syria/idlib-shelling?id=42&page=2&UTM_Campaign=x&mc_eid=1&_ga=2.1",
    ],
)
def test_variants_of_one_article_normalise_to_one_url(variant):
    assert normalize_url(variant) == ARTICLE


def test_parameters_that_choose_the_content_are_kept_in_their_order():
    assert normalize_url("https://example.org/a?b=2&a=1") == "https://example.org/a?b=2&a=1"
    assert normalize_url("https://example.org/search?q=Idlib+shelling&utm_term=x") == (
        "https://example.org/search?q=Idlib+shelling"
    )
    assert normalize_url("https://example.org/a?utm_source=x") == "https://example.org/a"
    assert normalize_url("https://example.org/a?utility=1") == "https://example.org/a?utility=1"


def test_the_seen_set_knows_an_article_under_its_tagged_links(tmp_path):
    seen = SeenStore(tmp_path / "seen.sqlite")
    seen.mark(ARTICLE)
    tagged = ARTICLE + "&utm_source=rss&fbclid=1"
    assert seen.seen_url(tagged)
    source = SourceConfig(name="desk", kind="url_list", urls=(tagged, "https://news.example.org/other"))
    assert [i.url for i in discover_web(source, FetchPolicy(), seen=seen).items] == [
        "https://news.example.org/other"
    ]


def test_one_article_listed_by_two_sources_is_read_once(settings):
    plain = SourceConfig(name="desk", kind="url_list", urls=(ARTICLE, ARTICLE + "&utm_source=x"))
    tagged = SourceConfig(
        name="wire", kind="url_list", urls=("https://NEWS.example.org" + ARTICLE[24:] + "&gclid=1",)
    )
    found = ingest.discover([plain, tagged], FetchPolicy(), settings, force=True)
    assert [i.url for i in found.items] == [ARTICLE]
    assert found.counts["duplicate"] == 1 and found.counts["listed"] == 2
