"""The sources file (include/sources.yml): which sources to read, when, and the fetch policy.

One file declares every source (a seeds folder, URL lists, RSS/Atom feeds, sitemaps,
corpora) and one `fetch:` block says how the web is read. The records are pydantic
dataclasses: their types and constraints are the schema (`sources_schema()` writes it as
JSON Schema for editors, include/sources.schema.json), and `load_sources` turns pydantic's
errors into one message naming the file, the source and the field.
`SourcesConfig.override` turns a manual run's parameters into a one-off configuration
without touching the file.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from conflictwatch.config import get_settings

KINDS = ("folder", "url_list", "feed", "sitemap", "corpus")
PRESETS = ("@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly", "@annually")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CRON_FIELD_RE = re.compile(r"^[0-9A-Za-z*/,?LW#-]+$")
_HTTP_RE = re.compile(r"^https?://", re.I)
_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


class SourcesConfigError(ValueError):
    """The sources file is missing, unreadable or invalid; the message says where."""


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


def _schedule(value: str | None) -> str | None:
    try:
        validate_schedule(value, where="schedule")
    except SourcesConfigError as exc:  # pydantic reports a ValueError at the field's place
        raise ValueError(str(exc).removeprefix("schedule: ").removeprefix("schedule ")) from None
    return value


def _http_url(value: str) -> str:
    if not _HTTP_RE.match(value):
        raise ValueError(f"{value!r} must start with http:// or https://")
    return value


Seconds = Annotated[float, Field(gt=0, strict=True)]
Pause = Annotated[float, Field(ge=0, strict=True)]
HttpUrl = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={"pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})]


@dataclass(frozen=True, config=_CONFIG)
class FetchPolicy:
    """How the web is read: limits, guards, retries and politeness (see docs/fetching.md)."""

    connect_timeout: Seconds = Field(10.0, description="Seconds to open a TCP/TLS connection.")
    read_timeout: Seconds = Field(
        30.0, description="Seconds one socket read may wait; a server that goes quiet this long fails."
    )
    total_timeout: Seconds = Field(
        120.0, description="Seconds for a whole response, against slow-drip servers."
    )
    max_bytes: Annotated[int, Field(gt=0, strict=True)] = Field(
        10 * 1024 * 1024, description="Bytes on the wire, counted while downloading."
    )
    max_decompressed_bytes: Annotated[int, Field(gt=0, strict=True)] = Field(
        20 * 1024 * 1024, description="Bytes after Content-Encoding (gzip, deflate, br, zstd), counted while inflating."
    )
    max_redirects: Annotated[int, Field(ge=0, strict=True)] = Field(
        5, description="Redirects followed; each hop is checked again (scheme, address, robots.txt)."
    )
    politeness_delay_s: Pause = Field(
        1.0, description="Minimum seconds between two requests to one host, per process."
    )
    retries: Annotated[int, Field(ge=0, strict=True)] = Field(
        2, description="Extra attempts after the first, for 5xx, 429, timeouts and connection errors."
    )
    backoff_s: Pause = Field(1.0, description="The first retry waits this long, then twice as long each time.")
    max_backoff_s: Pause = Field(60.0, description="Cap on one wait, a server's Retry-After included.")
    user_agent: Annotated[str, Field(min_length=1, strict=True)] = Field(
        "conflictwatch/0.1 (research pipeline; +https://github.com/conflictwatch)",
        description="The User-Agent header; its product token (before '/') is the robots.txt agent.",
    )
    allow_hosts: tuple[str, ...] = Field(
        (), description="Host names or IPs allowed even if they resolve to private addresses."
    )
    allow_networks: tuple[str, ...] = Field(
        (), description='CIDR networks allowed although private, e.g. "10.20.0.0/16".'
    )
    archive: StrictBool = Field(True, description="Keep every fetched body (zstd) under data/archive.")
    ca_file: str | None = Field(
        None, description="Extra CA bundle (PEM) for https, e.g. a private mirror's CA; null = system CAs."
    )
    respect_robots_txt: StrictBool = Field(
        True, description="Obey robots.txt (RFC 9309); a source can opt out on its own, which is preferred."
    )

    @field_validator("allow_hosts", "allow_networks", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return () if value is None else value

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(h.strip().lower() for h in value)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for net in value:
            try:
                ipaddress.ip_network(net.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"{net!r} is not a network ({exc})") from None
        return tuple(n.strip() for n in value)

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: str | None) -> str | None:
        return os.path.expandvars(os.path.expanduser(value)) if value else None

    @property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allow_networks)

    def with_overrides(self, **changes: Any) -> FetchPolicy:
        return _validate(FetchPolicy, {**asdict(self), **changes}, where="fetch override")


@dataclass(frozen=True, config=_CONFIG)
class SourceConfig:
    """One declared source. `path` for folder/corpus/url_list files, `url` for the web."""

    name: str = Field(
        description="Unique; starts with a letter or digit, then letters, digits, _ . -",
        json_schema_extra={"pattern": _NAME_RE.pattern},
    )
    kind: Literal["folder", "url_list", "feed", "sitemap", "corpus"] = Field(
        description="folder and corpus read a local `path`; feed and sitemap a `url`; url_list either, "
        "or inline `urls`."
    )
    path: Path | None = Field(
        None, description="Local file or folder; relative to the project root; ~ and $VARS expand."
    )
    url: HttpUrl | None = Field(None, description="http(s) URL of a feed, sitemap or URL list; $VARS expand.")
    urls: tuple[HttpUrl, ...] = Field((), description="url_list only: URLs given inline (a manual run).")
    schedule: Annotated[str | None, AfterValidator(_schedule)] = Field(
        None,
        description='Cron ("30 2 * * *"), an Airflow preset ("@hourly", "@daily", ...), or null = manual runs only.',
        examples=["@hourly", "30 2 * * *", None],
    )
    enabled: StrictBool = Field(True, description="A disabled source runs only when asked for by name.")
    max_items: Annotated[int, Field(gt=0, strict=True)] | None = Field(
        None, description="At most this many NEW items per run."
    )
    source_name: str | None = Field(
        None, description='Publisher recorded on each item (e.g. "SOHR"); feeds default to their title.'
    )
    respect_robots_txt: StrictBool = Field(
        True, description="false only for a site whose owner allowed us to read what its robots.txt disallows."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError(
                f"{value!r} must start with a letter or digit and use only letters, digits, _ . -"
            )
        return value

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: object, info: ValidationInfo) -> object:
        base = (info.context or {}).get("base_dir")
        if base is None or value is None:
            return value
        return _resolve_path(str(value), base)

    @field_validator("url", mode="before")
    @classmethod
    def _expand_url(cls, value: object, info: ValidationInfo) -> object:
        loaded = (info.context or {}).get("base_dir") is not None
        return os.path.expandvars(value) if loaded and isinstance(value, str) else value

    @model_validator(mode="after")
    def _kind_needs(self) -> SourceConfig:
        kind = self.kind
        if kind in ("folder", "corpus") and self.url:
            raise ValueError(f"kind {kind} reads a local `path`, not a `url`")
        if self.path is not None and self.url:
            raise ValueError("give a `path` or a `url`, not both")
        if kind in ("folder", "corpus") and self.path is None:
            raise ValueError(f"kind {kind} needs a `path`")
        if kind in ("feed", "sitemap") and not self.url:
            raise ValueError(f"kind {kind} needs a `url`")
        if kind == "url_list" and self.path is None and not self.url and not self.urls:
            raise ValueError("kind url_list needs a `path`, a `url` or inline `urls`")
        if self.urls and kind != "url_list":
            raise ValueError("inline `urls` are only for kind url_list")
        return self

    @property
    def target(self) -> str:
        """Where the source is read from, for logs and error rows."""
        if self.url:
            return self.url
        if self.path is not None:
            return str(self.path)
        return f"<{len(self.urls)} inline urls>"


@dataclass(frozen=True, config=_CONFIG)
class SourcesFile:
    """The sources file: `sources:` and `fetch:`, both optional."""

    sources: tuple[SourceConfig, ...] = Field((), description="Every source conflictwatch reads.")
    fetch: FetchPolicy = Field(default_factory=FetchPolicy, description="How the web is read.")

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: tuple[SourceConfig, ...]) -> tuple[SourceConfig, ...]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is declared twice")
            seen.add(source.name)
        return sources


@dataclass(frozen=True, config=_CONFIG)
class SourcesConfig(SourcesFile):
    path: Path | None = None  # the file it was loaded from, if any

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
                _validate(
                    SourceConfig,
                    {"name": "manual_urls", "kind": "url_list", "urls": tuple(urls), "max_items": max_items,
                     "source_name": source_name},
                    where="source 'manual_urls'",
                )
            )
        if one_offs:
            sources = tuple(one_offs)
        elif only is not None:
            sources = tuple(replace(self.get(n), enabled=True) for n in only)
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
    values: dict[str, Any] = {"name": name, "kind": kind, "max_items": max_items, "source_name": source_name}
    if kind in ("feed", "sitemap") or (kind == "url_list" and is_url):
        values["url"] = text
    else:
        values["path"] = _resolve_path(text, base_dir or get_settings().project_root)
    return _validate(SourceConfig, values, where=f"source {name!r}")


def sources_schema() -> dict[str, Any]:
    """The JSON Schema of the sources file (draft 2020-12), for editors and include/sources.schema.json."""
    schema = TypeAdapter(SourcesFile).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "conflictwatch sources file (include/sources.yml)",
        "description": "Generated by `conflictwatch sources-schema` from conflictwatch.sourceconfig; "
        "see docs/fetching.md.",
    }


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
    base = base_dir or get_settings().project_root
    parsed = _validate(SourcesFile, {k: v for k, v in raw.items() if v is not None} if raw else {},
                       context={"base_dir": base}, document=raw)
    return SourcesConfig(sources=parsed.sources, fetch=parsed.fetch, path=path)


# --- pydantic's errors as one line that says where -------------------------------------------------------


@functools.cache
def _adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def _validate(cls: type, values: Mapping[str, Any], *, where: str | None = None,
              context: dict[str, Any] | None = None, document: object = None) -> Any:
    try:
        return _adapter(cls).validate_python(dict(values), context=context)
    except ValidationError as exc:
        raise SourcesConfigError(_describe(exc, cls, where, values if document is None else document)) from None


def _describe(exc: ValidationError, cls: type, where: str | None, document: object) -> str:
    """'sources[1] ('desk'): max_items: Input should be greater than 0, got 0; ...'"""
    lines = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        place: list[str] = [where] if where else []
        node, model = document, cls
        while loc:
            key = loc.pop(0)
            if isinstance(key, int):
                item = node[key] if isinstance(node, Sequence) and key < len(node) else None
                name = f" ({item.get('name', '?')!r})" if isinstance(item, Mapping) else ""
                place[-1] = f"{place[-1]}[{key}]{name}"
                node = item
                continue
            if loc and key in ("sources", "fetch"):
                place.append(str(key))
                node = node.get(key) if isinstance(node, Mapping) else None
                model = SourceConfig if key == "sources" else FetchPolicy
                continue
            if error["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
                known = [f.name for f in fields(model) if f.init] if model is not SourcesFile else ["sources", "fetch"]
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
                lines.append(": ".join([*place, f"unknown key {key!r}{hint}"]))
                break
            if error["type"] == "missing":
                lines.append(": ".join([*place, f"`{key}` is required"]))
                break
            place.append(str(key))
        else:
            lines.append(": ".join([*place, _message(error)]))
            continue
    return "; ".join(lines)


def _message(error: Any) -> str:
    if error["type"] in ("value_error", "assertion_error"):
        return str(error["ctx"]["error"])
    msg = re.sub(r"a dictionary or an instance of \w+", "a mapping", error["msg"].replace("valid tuple", "valid list"))
    shown = error.get("input")
    if isinstance(shown, Mapping | list | tuple):
        return msg
    return f"{msg}, got {shown!r}"


def _resolve_path(text: str, base: Path) -> Path:
    p = Path(os.path.expandvars(os.path.expanduser(text)))
    return p if p.is_absolute() else (base / p)
