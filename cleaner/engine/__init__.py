"""Decide and record: which lines go, the layout, provenance records, text metadata, fingerprints."""
