"""A datatrove pipeline step: clean each document's text and keep its provenance in its metadata.

    pip install 'cleaner[datatrove]'

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerStep

    LocalPipelineExecutor(pipeline=[
        JsonlReader("raw/"),
        CleanerStep(rules=["my_rules/"]),     # bundled packs plus mine; or a RuleSet, or None
        JsonlWriter("clean/"),
    ], tasks=4).run()

`doc.text` becomes the clean body; `doc.metadata["cleaner"]` holds the provenance record (what was
removed, by which rule, and the hashes `cleaner.restore` checks), so `cleaner.restore(doc.text,
doc.metadata["cleaner"])` gives the original back. A `url` in the metadata selects site packs. A
document that cannot be cleaned (a rule timing out on it) passes through unchanged with
`{"error": ...}` as its record and counts in the step's `failed` statistic; with `drop_empty=True`
documents left with no text are dropped. Given pack paths, each worker process loads the rule set
once; given a RuleSet, the step carries it pickled, so workers run exactly those rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints

from cleaner.api import clean
from cleaner.errors import CleanerError
from cleaner.rules.ruleset import DEFAULT_TIMEOUT, RuleSet
from cleaner.run.options import LoadedRules, RuleSpec


class CleanerStep(PipelineStep):
    """Clean `doc.text` with cleaner's rules; store the provenance record in `doc.metadata`."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: RuleSet | Sequence[str | Path] | None = None, *, defaults: bool = True,
                 timeout: float = DEFAULT_TIMEOUT, metadata_key: str = "cleaner", url_key: str = "url",
                 drop_empty: bool = False) -> None:
        """`rules`: a loaded RuleSet (used as is), or rule pack paths loaded on top of the bundled packs
        (`defaults=False`: instead of them), or None for the bundled packs."""
        super().__init__()
        self._spec: RuleSpec | LoadedRules
        self._rules: RuleSet | None = None
        if isinstance(rules, RuleSet):
            self._spec = LoadedRules(rules)  # pickled with the step: workers run exactly these rules
        elif isinstance(rules, str | Path):
            raise TypeError("rules= takes a RuleSet or a list of rule pack paths, e.g. rules=['my_rules/']")
        else:
            self._spec = RuleSpec(tuple(str(p) for p in rules or ()), defaults, timeout)
        self.metadata_key = metadata_key
        self.url_key = url_key
        self.drop_empty = drop_empty

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_rules"] = None  # compiled rules stay in the process that loaded them
        return state

    @property
    def ruleset(self) -> RuleSet:
        if self._rules is None:
            self._rules = self._spec.load()
        return self._rules

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        rules = self.ruleset
        for doc in data or ():
            self.stat_update(StatHints.total)
            url = doc.metadata.get(self.url_key)
            with self.track_time():
                try:
                    result = clean(doc.text, rules=rules, source=str(doc.id),
                                   url=url if isinstance(url, str) else None)
                except CleanerError as exc:
                    result = None
                    doc.metadata[self.metadata_key] = {"error": str(exc)}
            if result is None:
                self.stat_update("failed")
                yield doc
                continue
            doc.text = result.text
            doc.metadata[self.metadata_key] = result.provenance
            self.stat_update("chars_removed", value=result.chars_removed)
            if self.drop_empty and not result.text.strip():
                self.stat_update(StatHints.dropped)
                continue
            self.stat_update(StatHints.forwarded)
            yield doc
