"""Match: rule kinds and rule sets (loaded from packs)."""
