"""conflictwatch: news reports about armed conflict -> incidents, aid flows, ceasefire violations."""

__version__ = "0.1.0"
