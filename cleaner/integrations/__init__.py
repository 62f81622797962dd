"""Optional adapters that put the cleaner into other tools' pipelines (each needs its extra installed)."""
