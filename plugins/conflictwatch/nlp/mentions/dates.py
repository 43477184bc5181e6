"""conflictwatch_dates_v1: every date expression of the text -> doc._.cw_dates (kit.dates grammar)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.kit.dates import find_dates
from conflictwatch.nlp.kit.spans import get_list, text_of


@Language.factory("conflictwatch_dates_v1", default_config={}, assigns=["doc._.cw_dates"])
def make_dates(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        get_list(doc, "cw_dates").extend(find_dates(text_of(doc)))
        return doc

    return component
