"""`python -m cleaner` runs the command line."""

from cleaner.cli.entry import run

if __name__ == "__main__":
    run()
