"""The sources file (include/sources.yml): which sources to read, when, and the fetch policy.

One file declares every source (a seeds folder, URL lists, RSS/Atom feeds, sitemaps,
corpora) and one `fetch:` block says how the web is read. `load_sources` validates it and
fails with a message naming the source and the field; `SourcesConfig.override` turns a
manual run's parameters into a one-off configuration without touching the file.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from conflictwatch.config import get_settings

KINDS = ("folder", "url_list", "feed", "sitemap", "corpus")
PRESETS = ("@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly", "@annually")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CRON_FIELD_RE = re.compile(r"^[0-9A-Za-z*/,?LW#-]+$")


class SourcesConfigError(ValueError):
    """The sources file is missing, unreadable or invalid; the message says where."""


@dataclass(frozen=True)
class FetchPolicy:
    """How the web is read: limits, guards, retries and politeness (see docs/fetching.md)."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # per socket read; a server that goes quiet this long fails
    total_timeout: float = 120.0  # whole download of one response, against slow-drip servers
    max_bytes: int = 10 * 1024 * 1024  # bytes on the wire, counted while reading
    max_decompressed_bytes: int = 20 * 1024 * 1024  # bytes after Content-Encoding, counted while inflating
    max_redirects: int = 5
    politeness_delay_s: float = 1.0  # minimum gap between two requests to one host, per process
    retries: int = 2  # extra attempts after the first, for 5xx, 429, timeouts and connection errors
    backoff_s: float = 1.0  # first retry waits this long, then doubles
    max_backoff_s: float = 60.0  # cap on one wait, including a server's Retry-After
    user_agent: str = "conflictwatch/0.1 (research pipeline; +https://github.com/conflictwatch)"
    allow_hosts: tuple[str, ...] = ()  # host names or IPs allowed even if they resolve to private addresses
    allow_networks: tuple[str, ...] = ()  # CIDR networks allowed even though private (e.g. "10.0.0.0/8")
    archive: bool = True  # keep every fetched body under Settings.archive_dir
    respect_robots_txt: bool = True  # obey robots.txt (a source can opt out: SourceConfig.respect_robots_txt)
    ca_file: str | None = (
        None  # extra CA bundle (PEM) for https, e.g. a private mirror's CA; None = system CAs
    )

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if not float(getattr(self, name)) > 0:
                raise SourcesConfigError(f"fetch.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_bytes", "max_decompressed_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise SourcesConfigError(f"fetch.{name} must be a positive integer, got {value!r}")
        for name in ("max_redirects", "retries"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SourcesConfigError(f"fetch.{name} must be an integer >= 0, got {value!r}")
        for name in ("politeness_delay_s", "backoff_s", "max_backoff_s"):
            if float(getattr(self, name)) < 0:
                raise SourcesConfigError(f"fetch.{name} must be >= 0, got {getattr(self, name)!r}")
        if not self.user_agent or not isinstance(self.user_agent, str):
            raise SourcesConfigError("fetch.user_agent must be a non-empty string")
        if not isinstance(self.respect_robots_txt, bool):
            raise SourcesConfigError("fetch.respect_robots_txt must be true or false")
        object.__setattr__(self, "allow_hosts", tuple(str(h).strip().lower() for h in self.allow_hosts))
        object.__setattr__(self, "allow_networks", tuple(str(n).strip() for n in self.allow_networks))
        for net in self.allow_networks:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise SourcesConfigError(f"fetch.allow_networks: {net!r} is not a network ({exc})") from None

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allow_networks)

    def with_overrides(self, **changes: Any) -> FetchPolicy:
        return _policy_from_mapping({**_policy_to_mapping(self), **changes}, where="fetch override")


@dataclass(frozen=True)
class SourceConfig:
    """One declared source. `path` for folder/corpus/url_list files, `url` for the web."""

    name: str
    kind: str
    path: Path | None = None
    url: str | None = None
    urls: tuple[str, ...] = ()  # url_list only: URLs given inline (a manual run)
    schedule: str | None = None  # cron string, Airflow preset, or None for manual runs only
    enabled: bool = True
    max_items: int | None = None
    source_name: str | None = None  # publisher name recorded on each item (e.g. "SOHR")
    # false only for a site whose owner allowed us to read what its robots.txt disallows
    respect_robots_txt: bool = True

    def __post_init__(self) -> None:
        where = f"source {self.name!r}"
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise SourcesConfigError(
                f"source name {self.name!r} must start with a letter or digit and use only letters, digits, _ . -"
            )
        if self.kind not in KINDS:
            raise SourcesConfigError(f"{where}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind in ("folder", "corpus") and self.path is None:
            raise SourcesConfigError(f"{where}: kind {self.kind} needs a `path`")
        if self.kind in ("feed", "sitemap") and not self.url:
            raise SourcesConfigError(f"{where}: kind {self.kind} needs a `url`")
        if self.kind == "url_list" and self.path is None and not self.url and not self.urls:
            raise SourcesConfigError(f"{where}: kind url_list needs a `path`, a `url` or inline `urls`")
        if self.kind in ("folder", "corpus") and self.url:
            raise SourcesConfigError(f"{where}: kind {self.kind} reads a local `path`, not a `url`")
        if self.urls and self.kind != "url_list":
            raise SourcesConfigError(f"{where}: inline `urls` are only for kind url_list")
        if self.url is not None and not re.match(r"^https?://", self.url, re.I):
            raise SourcesConfigError(f"{where}: url {self.url!r} must start with http:// or https://")
        for u in self.urls:
            if not re.match(r"^https?://", u, re.I):
                raise SourcesConfigError(f"{where}: url {u!r} must start with http:// or https://")
        if self.max_items is not None and (
            not isinstance(self.max_items, int) or isinstance(self.max_items, bool) or self.max_items <= 0
        ):
            raise SourcesConfigError(f"{where}: max_items must be a positive integer, got {self.max_items!r}")
        for flag in ("enabled", "respect_robots_txt"):
            if not isinstance(getattr(self, flag), bool):
                raise SourcesConfigError(f"{where}: {flag} must be true or false, got {getattr(self, flag)!r}")
        validate_schedule(self.schedule, where=where)

    @property
    def target(self) -> str:
        """Where the source is read from, for logs and error rows."""
        if self.url:
            return self.url
        if self.path is not None:
            return str(self.path)
        return f"<{len(self.urls)} inline urls>"


@dataclass(frozen=True)
class SourcesConfig:
    sources: tuple[SourceConfig, ...] = ()
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    path: Path | None = None  # the file it was loaded from, if any

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise SourcesConfigError(f"source name {source.name!r} is declared twice")
            seen.add(source.name)

    def get(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(
            f"no source named {name!r}; known: {', '.join(s.name for s in self.sources) or 'none'}"
        )

    @property
    def enabled(self) -> tuple[SourceConfig, ...]:
        return tuple(s for s in self.sources if s.enabled)

    @property
    def scheduled(self) -> tuple[SourceConfig, ...]:
        """Enabled sources that have a schedule (a manual-only source has none)."""
        return tuple(s for s in self.sources if s.enabled and s.schedule)

    def override(
        self,
        *,
        folder: str | Path | None = None,
        url_list: str | Path | None = None,
        urls: Sequence[str] | None = None,
        feed: str | None = None,
        sitemap: str | None = None,
        corpus: str | Path | None = None,
        only: Iterable[str] | None = None,
        max_items: int | None = None,
        source_name: str | None = None,
        fetch: Mapping[str, Any] | None = None,
        base_dir: Path | None = None,
    ) -> SourcesConfig:
        """This configuration as one manual run wants it.

        Any of folder/url_list/urls/feed/sitemap/corpus replaces the declared sources with
        one-off sources named `manual_<kind>` (enabled, unscheduled); `only` keeps just the
        named declared sources (enabled or not: asking by name is explicit); `max_items`
        caps every remaining source; `fetch` changes policy fields for this run.
        """
        one_offs: list[SourceConfig] = []
        for kind, target in (
            ("folder", folder),
            ("url_list", url_list),
            ("feed", feed),
            ("sitemap", sitemap),
            ("corpus", corpus),
        ):
            if target:
                one_offs.append(
                    one_off_source(
                        kind, target, max_items=max_items, source_name=source_name, base_dir=base_dir
                    )
                )
        if urls:
            one_offs.append(
                SourceConfig(
                    name="manual_urls",
                    kind="url_list",
                    urls=tuple(urls),
                    max_items=max_items,
                    source_name=source_name,
                )
            )
        if one_offs:
            sources = tuple(one_offs)
        elif only is not None:
            wanted = list(only)
            sources = tuple(replace(self.get(n), enabled=True) for n in wanted)
        else:
            sources = self.enabled
        if max_items is not None and not one_offs:
            sources = tuple(replace(s, max_items=max_items) for s in sources)
        policy = self.fetch.with_overrides(**dict(fetch)) if fetch else self.fetch
        return SourcesConfig(sources=sources, fetch=policy, path=self.path)


def one_off_source(
    kind: str,
    target: str | Path,
    *,
    name: str | None = None,
    max_items: int | None = None,
    source_name: str | None = None,
    base_dir: Path | None = None,
) -> SourceConfig:
    """A source for one manual run: a folder, a corpus, a URL list (file or URL), a feed or a sitemap."""
    name = name or f"manual_{kind}"
    text = str(target)
    is_url = bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text))
    if kind in ("feed", "sitemap") or (kind == "url_list" and is_url):
        return SourceConfig(name=name, kind=kind, url=text, max_items=max_items, source_name=source_name)
    return SourceConfig(
        name=name,
        kind=kind,
        path=_resolve_path(text, base_dir or get_settings().project_root),
        max_items=max_items,
        source_name=source_name,
    )


def validate_schedule(schedule: object, *, where: str = "schedule") -> None:
    """None (manual only), an Airflow preset such as "@hourly", or a 5-field cron string."""
    if schedule is None:
        return
    if not isinstance(schedule, str) or not schedule.strip():
        raise SourcesConfigError(f"{where}: schedule must be a cron string, a preset like @daily, or null")
    value = schedule.strip()
    if value.startswith("@"):
        if value not in PRESETS:
            raise SourcesConfigError(
                f"{where}: unknown schedule preset {value!r}; use one of {', '.join(PRESETS)}"
            )
        return
    parts = value.split()
    if len(parts) not in (5, 6) or not all(_CRON_FIELD_RE.match(p) for p in parts):
        raise SourcesConfigError(f"{where}: schedule {value!r} is not a cron expression (5 fields) or preset")
    try:  # croniter comes with Airflow; when present it knows cron better than the regex above
        from croniter import croniter
    except ImportError:  # pragma: no cover
        return
    if not croniter.is_valid(value):
        raise SourcesConfigError(f"{where}: schedule {value!r} is not a valid cron expression")


def load_sources(path: str | Path | None = None, *, base_dir: Path | None = None) -> SourcesConfig:
    """Read and validate the sources file (default: Settings.sources_file).

    Relative `path`s resolve against `base_dir` (default: the project root), so the
    same file works from any working directory; `~` and `$VARS` are expanded.
    """
    settings = get_settings()
    file = Path(path) if path is not None else settings.sources_file
    base = base_dir or settings.project_root
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesConfigError(f"sources file not found: {file}") from None
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{file}: not valid YAML: {exc}") from None
    try:
        return parse_sources(raw, base_dir=base, path=file)
    except SourcesConfigError as exc:
        raise SourcesConfigError(f"{file}: {exc}") from None


def parse_sources(raw: object, *, base_dir: Path | None = None, path: Path | None = None) -> SourcesConfig:
    """Validate an already-parsed mapping (the YAML document) into a SourcesConfig."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise SourcesConfigError("the top level must be a mapping with `sources:` and `fetch:`")
    unknown = set(raw) - {"sources", "fetch"}
    if unknown:
        raise SourcesConfigError(f"unknown top-level keys: {', '.join(sorted(map(str, unknown)))}")
    base = base_dir or get_settings().project_root
    raw_sources = raw.get("sources") or []
    if not isinstance(raw_sources, list):
        raise SourcesConfigError("`sources` must be a list")
    sources = tuple(_source_from_mapping(item, index, base) for index, item in enumerate(raw_sources))
    policy = _policy_from_mapping(raw.get("fetch") or {}, where="fetch")
    return SourcesConfig(sources=sources, fetch=policy, path=path)


_SOURCE_KEYS = {f.name for f in fields(SourceConfig)}


def _source_from_mapping(item: object, index: int, base: Path) -> SourceConfig:
    if not isinstance(item, Mapping):
        raise SourcesConfigError(f"sources[{index}] must be a mapping, got {type(item).__name__}")
    where = f"sources[{index}] ({item.get('name', '?')})"
    unknown = set(item) - _SOURCE_KEYS
    if unknown:
        raise SourcesConfigError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    for key in ("name", "kind"):
        if key not in item:
            raise SourcesConfigError(f"{where}: `{key}` is required")
    if "path" in item and "url" in item and item["path"] and item["url"]:
        raise SourcesConfigError(f"{where}: give a `path` or a `url`, not both")
    values = dict(item)
    if values.get("path") is not None:
        values["path"] = _resolve_path(str(values["path"]), base)
    urls = values.get("urls")
    if urls is not None:
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise SourcesConfigError(f"{where}: `urls` must be a list of strings")
        values["urls"] = tuple(urls)
    if values.get("url") is not None:
        values["url"] = os.path.expandvars(str(values["url"]))
    try:
        return SourceConfig(**values)
    except SourcesConfigError as exc:
        raise SourcesConfigError(f"sources[{index}]: {exc}") from None


_POLICY_FIELDS = {f.name: f for f in fields(FetchPolicy)}


def _policy_from_mapping(raw: object, *, where: str) -> FetchPolicy:
    if not isinstance(raw, Mapping):
        raise SourcesConfigError(f"`{where}` must be a mapping")
    unknown = set(raw) - set(_POLICY_FIELDS)
    if unknown:
        raise SourcesConfigError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("allow_hosts", "allow_networks"):
            if value is None:
                value = ()
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise SourcesConfigError(f"{where}.{key} must be a list")
            values[key] = tuple(value)
        elif key in ("archive", "respect_robots_txt"):
            if not isinstance(value, bool):
                raise SourcesConfigError(f"{where}.{key} must be true or false")
            values[key] = value
        elif key == "ca_file":
            if value is not None and not isinstance(value, str):
                raise SourcesConfigError(f"{where}.ca_file must be a path or null")
            values[key] = os.path.expandvars(os.path.expanduser(value)) if value else None
        elif key in ("user_agent", "max_bytes", "max_decompressed_bytes", "max_redirects", "retries"):
            values[key] = value  # FetchPolicy checks their types
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SourcesConfigError(f"{where}.{key} must be a number, got {value!r}")
            values[key] = float(value)
    return FetchPolicy(**values)


def _policy_to_mapping(policy: FetchPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in _POLICY_FIELDS}


def _resolve_path(text: str, base: Path) -> Path:
    p = Path(os.path.expandvars(os.path.expanduser(text)))
    return p if p.is_absolute() else (base / p)
