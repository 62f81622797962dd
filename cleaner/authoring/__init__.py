"""Tools for rule authors: example checks and the pattern linter."""
