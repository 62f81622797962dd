"""Runners over many documents: folders, corpora, Dask."""
