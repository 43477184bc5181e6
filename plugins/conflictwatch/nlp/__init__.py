"""Per-document language understanding: spaCy plus the project's registered components."""
