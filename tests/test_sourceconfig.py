"""The sources file: loading, validation messages, and per-run overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictwatch.sourceconfig import (
    FetchPolicy,
    SourceConfig,
    SourcesConfigError,
    load_sources,
    one_off_source,
    parse_sources,
)

REPO = Path(__file__).resolve().parents[1]

FULL = """
sources:
  - name: seeds
    kind: folder
    path: include/seeds
    schedule: null
    enabled: true
  - name: desk_rss
    kind: feed
    url: https://news.example.org/syria/rss.xml
    schedule: "@hourly"
    enabled: true
    max_items: 50
    source_name: Example News
  - name: desk_sitemap
    kind: sitemap
    url: https://news.example.org/sitemap_index.xml
    schedule: "30 2 * * *"
    enabled: false
  - name: watchlist
    kind: url_list
    path: /srv/lists/watchlist.txt
    schedule: "@daily"
fetch:
  connect_timeout: 5
  read_timeout: 20
  max_bytes: 1000000
  retries: 1
  allow_networks: ["10.20.0.0/16"]
  allow_hosts: [Mirror.Internal]
  archive: false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text)
    return path


def test_the_shipped_sources_file_declares_the_seeds_folder():
    config = load_sources(REPO / "include" / "sources.yml")
    (seeds,) = config.sources
    assert (seeds.name, seeds.kind, seeds.schedule, seeds.enabled) == ("seeds", "folder", None, True)
    assert seeds.path == REPO / "include" / "seeds"
    assert config.scheduled == ()  # manual only
    assert config.fetch.allow_hosts == () and config.fetch.allow_networks == ()
    assert config.fetch.archive is True


def test_a_full_file(tmp_path):
    config = load_sources(write(tmp_path, FULL), base_dir=tmp_path)
    assert [s.name for s in config.sources] == ["seeds", "desk_rss", "desk_sitemap", "watchlist"]
    assert config.get("seeds").path == tmp_path / "include" / "seeds"
    assert config.get("watchlist").path == Path("/srv/lists/watchlist.txt")
    rss = config.get("desk_rss")
    assert (rss.schedule, rss.max_items, rss.source_name) == ("@hourly", 50, "Example News")
    assert [s.name for s in config.enabled] == ["seeds", "desk_rss", "watchlist"]
    assert [s.name for s in config.scheduled] == ["desk_rss", "watchlist"]
    policy = config.fetch
    assert (policy.connect_timeout, policy.read_timeout, policy.max_bytes, policy.retries) == (
        5.0,
        20.0,
        1_000_000,
        1,
    )
    assert policy.max_redirects == FetchPolicy().max_redirects  # defaults fill the rest
    assert policy.allow_hosts == ("mirror.internal",)
    assert str(policy.networks[0]) == "10.20.0.0/16"
    assert policy.archive is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  - {name: a, kind: rss, url: http://x/}\n", "kind: Input should be 'folder', 'url_list', 'feed', 'sitemap' or 'corpus', got 'rss'"),
        ("sources:\n  - {name: a, kind: feed}\n", "needs a `url`"),
        ("sources:\n  - {name: a, kind: folder}\n", "needs a `path`"),
        ("sources:\n  - {name: a, kind: feed, url: ftp://x/}\n", "must start with http"),
        ("sources:\n  - {kind: folder, path: x}\n", "`name` is required"),
        (
            "sources:\n  - {name: a, kind: folder, path: x}\n  - {name: a, kind: folder, path: y}\n",
            "declared twice",
        ),
        ("sources:\n  - {name: a, kind: folder, path: x, schedule: every hour}\n", "not a cron expression"),
        ("sources:\n  - {name: a, kind: folder, path: x, schedule: '@hourlyy'}\n", "unknown schedule preset"),
        ("sources:\n  - {name: a, kind: folder, path: x, schedule: '61 * * * *'}\n", "not a valid cron"),
        ("sources:\n  - {name: a, kind: folder, path: x, max_item: 3}\n", "unknown key 'max_item' (did you mean 'max_items'?)"),
        ("sources:\n  - {name: a, kind: folder, path: x, max_items: 0}\n", "max_items: Input should be greater than 0, got 0"),
        (
            "sources:\n  - {name: a, kind: folder, path: x, enabled: 'yes please'}\n",
            "enabled: Input should be a valid boolean, got 'yes please'",
        ),
        ("sources:\n  - {name: a, kind: feed, path: x, url: 'http://x/'}\n", "not both"),
        ("sources:\n  - {name: 'a b', kind: folder, path: x}\n", "name: 'a b' must start with a letter or digit"),
        ("sources: {name: a}\n", "sources: Input should be a valid list"),
        ("fetch:\n  max_bytes: -1\n", "fetch: max_bytes: Input should be greater than 0, got -1"),
        ("fetch:\n  read_timeout: 0\n", "fetch: read_timeout: Input should be greater than 0, got 0"),
        ("fetch:\n  allow_networks: ['10.0.0.0/33']\n", "is not a network"),
        ("fetch:\n  allow_hosts: localhost\n", "fetch: allow_hosts: Input should be a valid list, got 'localhost'"),
        ("fetch:\n  timeout: 3\n", "fetch: unknown key 'timeout'"),
        ("feeds: []\n", "unknown key 'feeds' (known: sources, fetch)"),
        ("- just a list\n", "top level must be a mapping"),
    ],
)
def test_invalid_files_fail_with_a_clear_message(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SourcesConfigError) as info:
        load_sources(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)  # the message names the file


def test_the_message_names_the_source(tmp_path):
    with pytest.raises(SourcesConfigError, match=r"sources\[1\].*'desk'.*needs a `url`"):
        load_sources(
            write(tmp_path, "sources:\n  - {name: ok, kind: folder, path: x}\n  - {name: desk, kind: feed}\n")
        )


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(SourcesConfigError, match="not found"):
        load_sources(tmp_path / "absent.yml")
    with pytest.raises(SourcesConfigError, match="not valid YAML"):
        load_sources(write(tmp_path, "sources: [\n"))


def test_an_empty_file_means_no_sources_and_default_policy(tmp_path):
    config = load_sources(write(tmp_path, ""))
    assert config.sources == () and config.fetch == FetchPolicy()


def test_override_with_a_folder_replaces_the_sources_for_one_run(tmp_path):
    config = load_sources(write(tmp_path, FULL), base_dir=tmp_path)
    run = config.override(folder="/data/incoming", max_items=10)
    (source,) = run.sources
    assert (source.name, source.kind, source.path, source.max_items) == (
        "manual_folder",
        "folder",
        Path("/data/incoming"),
        10,
    )
    assert run.fetch == config.fetch  # the policy still applies
    assert len(config.sources) == 4  # the declared configuration is untouched


def test_override_with_urls_feed_and_url_list(tmp_path):
    config = load_sources(write(tmp_path, FULL), base_dir=tmp_path)
    run = config.override(
        urls=["https://a.example/1"], feed="https://b.example/rss", url_list="https://c.example/l.txt"
    )
    assert {(s.name, s.kind) for s in run.sources} == {
        ("manual_urls", "url_list"),
        ("manual_feed", "feed"),
        ("manual_url_list", "url_list"),
    }
    assert run.get("manual_url_list").url == "https://c.example/l.txt"
    assert run.get("manual_urls").urls == ("https://a.example/1",)


def test_override_only_named_sources_and_policy(tmp_path):
    config = load_sources(write(tmp_path, FULL), base_dir=tmp_path)
    run = config.override(only=["desk_sitemap"], max_items=5, fetch={"retries": 0, "politeness_delay_s": 0})
    (source,) = run.sources
    assert (source.name, source.enabled, source.max_items) == ("desk_sitemap", True, 5)  # asked for by name
    assert (run.fetch.retries, run.fetch.politeness_delay_s, run.fetch.max_bytes) == (0, 0.0, 1_000_000)
    with pytest.raises(KeyError, match="no source named 'nope'"):
        config.override(only=["nope"])
    with pytest.raises(SourcesConfigError, match="unknown key 'retry'"):
        config.override(fetch={"retry": 1})


def test_override_without_arguments_keeps_the_enabled_sources(tmp_path):
    config = load_sources(write(tmp_path, FULL), base_dir=tmp_path)
    assert [s.name for s in config.override().sources] == ["seeds", "desk_rss", "watchlist"]


def test_one_off_source_relative_paths_resolve_against_the_base(tmp_path):
    source = one_off_source("url_list", "lists/today.txt", base_dir=tmp_path, source_name="SOHR")
    assert source == SourceConfig(
        name="manual_url_list", kind="url_list", path=tmp_path / "lists/today.txt", source_name="SOHR"
    )
    with pytest.raises(SourcesConfigError):
        one_off_source("feed", "not-a-url")


def test_parse_sources_accepts_an_already_parsed_mapping():
    config = parse_sources({"sources": [{"name": "x", "kind": "sitemap", "url": "https://e.example/s.xml"}]})
    assert config.get("x").kind == "sitemap"


def test_every_mistake_is_reported_at_once_with_its_place(tmp_path):
    # GIVEN a file with three mistakes in two places WHEN loaded THEN one message names all three
    text = "sources:\n  - {name: desk, kind: feed, url: 'ftp://x/', max_items: -2}\nfetch:\n  retries: 1.5\n"
    with pytest.raises(SourcesConfigError) as info:
        load_sources(write(tmp_path, text))
    message = str(info.value)
    assert "sources[0] ('desk'): url: 'ftp://x/' must start with http:// or https://" in message
    assert "sources[0] ('desk'): max_items: Input should be greater than 0, got -2" in message
    assert "fetch: retries: Input should be a valid integer, got 1.5" in message
    assert message.count("\n") == 0


def test_records_stay_frozen_dataclasses_that_validate_on_replace():
    # GIVEN a source built in code (as the CLI and the DAG do) THEN replace() and asdict() work and validate
    import dataclasses

    source = SourceConfig(name="desk", kind="feed", url="https://e.example/rss")
    assert dataclasses.replace(source, max_items=3).max_items == 3
    assert dataclasses.asdict(source)["respect_robots_txt"] is True
    with pytest.raises(ValueError, match="greater than 0"):
        dataclasses.replace(source, max_items=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.max_items = 3  # type: ignore[misc]
    assert hash(FetchPolicy()) == hash(FetchPolicy())  # the robots.txt cache keys on the policy


# --- the JSON Schema ----------------------------------------------------------------------------------------

SCHEMA_FILE = REPO / "include" / "sources.schema.json"


def test_the_committed_json_schema_is_the_generated_one():
    import json

    from conflictwatch.sourceconfig import sources_schema

    assert SCHEMA_FILE.read_text(encoding="utf-8") == json.dumps(sources_schema(), indent=2) + "\n", (
        "include/sources.schema.json is out of date: run `make sources-schema`"
    )


def test_the_schema_accepts_the_shipped_and_full_files_and_rejects_mistakes():
    import json

    import jsonschema
    import yaml

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    validator.check_schema(validator.schema)
    for text in ((REPO / "include" / "sources.yml").read_text(), FULL):
        assert list(validator.iter_errors(yaml.safe_load(text))) == []
    for bad in (
        "sources:\n  - {name: a, kind: rss, url: 'http://x/'}\n",
        "sources:\n  - {name: a, kind: folder, path: x, max_item: 3}\n",
        "sources:\n  - {name: 'a b', kind: folder, path: x}\n",
        "sources:\n  - {name: a, kind: feed, url: 'ftp://x/'}\n",
        "fetch:\n  read_timeout: 0\n",
        "fetch:\n  archive: 'yes'\n",
    ):
        assert list(validator.iter_errors(yaml.safe_load(bad))), bad


def test_the_cli_writes_and_checks_the_schema(tmp_path, capsys):
    from conflictwatch.cli import EXIT_FAILED, EXIT_OK, main

    out = tmp_path / "schema.json"
    assert main(["sources-schema", "--output", str(out), "--check"]) == EXIT_FAILED  # not there yet
    assert "out of date" in capsys.readouterr().err
    assert main(["sources-schema", "--output", str(out)]) == EXIT_OK
    assert out.read_text() == SCHEMA_FILE.read_text()
    assert main(["sources-schema", "--output", str(out), "--check"]) == EXIT_OK
