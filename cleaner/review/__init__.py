"""Review what cleaning removed: read a cleaned corpus back, aggregate, diff, report, compare rule sets."""
