"""Bytes -> text, and which encoding was used (recorded in raw.documents.encoding).

Order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then valid UTF-8; then, for HTML,
the charset the page declares; then charset-normalizer (a maintained detector) guesses.
Single-byte Western text (Latin-1, Windows-1252) decodes cleanly under several code pages and
the detector's language model cannot tell them apart on a short English article: among the
candidates that decode as cleanly as its best guess, Windows-1252 is taken, as browsers do for
undeclared pages (the WHATWG encoding standard maps "latin1" to windows-1252 too). Text in
other scripts (Cyrillic, Arabic code pages) decodes cleanly only under its own code page.

The value recorded says how the encoding was chosen: "utf-8", "utf-8 (bom)",
"utf-16 (bom)", "<name> (declared)", "<name> (detected)".
"""

from __future__ import annotations

import codecs
import re

from conflictwatch.records import IngestFailure

_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PREFERRED = ("cp1252", "windows-1252")
# The detector reads at most this much (it samples inside it); enough for any article's encoding.
_DETECT_BYTES = 2 * 1024 * 1024


def declared_charset(data: bytes) -> str | None:
    head = data[:8192]
    match = _CHARSET_META.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _decode_as(data: bytes, encoding: str, how: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise IngestFailure("read", f"unknown {how} charset {encoding!r}", "UndecodableText") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestFailure(
            "read", f"not valid {encoding} at byte {exc.start} (the charset it {how})", "UndecodableText"
        ) from exc


def detect(data: bytes) -> str | None:
    """charset-normalizer's best guess (a Python codec name), or None when nothing fits."""
    from charset_normalizer import from_bytes

    results = from_bytes(data[:_DETECT_BYTES])
    best = results.best()
    if best is None:
        return None
    # Code pages that decode these bytes as cleanly (no more "chaos") as the best guess
    ties = [e for r in results if r.chaos <= best.chaos for e in r.could_be_from_charset]
    return next((e for e in [*best.could_be_from_charset, *ties] if e in _PREFERRED), best.encoding)


def decode_bytes(data: bytes, is_html: bool) -> tuple[str, str]:
    """(text, how it was decoded); IngestFailure for binary or undecodable content."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            label = "utf-8 (bom)" if name == "utf-8-sig" else f"{name} (bom)"
            return _decode_as(data, name, "has a byte-order mark for"), label
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        declared = declared_charset(data) if is_html else None
        if declared is not None:
            return _decode_as(data, declared, "declares"), f"{codecs.lookup(declared).name} (declared)"
    detected = detect(data)
    if detected is None or (b"\x00" in data and not detected.startswith("utf_")):
        if b"\x00" in data:
            raise IngestFailure("read", "binary content (NUL bytes), not text or HTML", "BinaryContent")
        raise IngestFailure("read", "not valid UTF-8, no declared charset, and no encoding detected", "UndecodableText")
    if detected.startswith("utf_16") and len(data) % 2:
        data = data[:-1]  # a truncated last code unit
    return _decode_as(data, detected, "was detected as"), f"{detected} (detected)"
