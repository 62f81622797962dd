"""cleaner: strip page furniture from scraped article text with declarative rules, keep the body
byte-for-byte, and record which rule removed which span so every change can be explained and undone.

    >>> import cleaner
    >>> result = cleaner.clean("Body text.\\nView all newsletters\\n")
    >>> result.text
    'Body text.\\n'
    >>> [r.rule_id for r in result.removals]
    ['masthead-newsletter-links']
"""

from cleaner.api import CleanResult, clean, clean_file, default_rules
from cleaner.engine.decide import Removal
from cleaner.engine.provenance import RestoreError, restore
from cleaner.errors import CleanerError, InputError, RuleError, RuleTimeout
from cleaner.rules.loader import load_rules
from cleaner.rules.ruleset import RulePack, RuleSet
from cleaner.version import __version__

__all__ = [
    "CleanResult", "CleanerError", "InputError", "Removal", "RestoreError", "RuleError", "RulePack",
    "RuleSet", "RuleTimeout", "__version__", "clean", "clean_file", "default_rules", "load_rules",
    "restore",
]
