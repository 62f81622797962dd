"""Corpus files from Python: `clean_jsonl`, `clean_parquet` and `clean_record`, the same record loop
`cleaner clean` runs (`cleaner.run.corpus`), under the name a library user looks for.

```python
import cleaner
from cleaner.corpus import clean_jsonl

report = clean_jsonl("web.jsonl", "out/", cleaner.load_rules(ignore=["share"]), workers=2)
```

`rules` is a loaded `RuleSet`, rule pack paths (on top of the bundled packs) or None (the bundled
packs); `keep` a `RecordKeep` (None: the corpus file's sidecar `NAME.keep.toml`, if any). The Dask
helpers are in `cleaner.run.distributed`.
"""

from __future__ import annotations

from cleaner.engine.keep import KeepEntry, RecordKeep
from cleaner.run.corpus import clean_jsonl, clean_parquet, clean_record
from cleaner.run.report import Report

__all__ = ["KeepEntry", "RecordKeep", "Report", "clean_jsonl", "clean_parquet", "clean_record"]
