"""Command-line conventions every `cleaner` command shares: -h/--help, -V/--version, colour.

Colour (`--color auto|always|never`, before the command: `cleaner --color never explain x`) follows
the NO_COLOR convention (https://no-color.org): with `auto`, the default, output is coloured only on
a terminal and never when NO_COLOR is set to anything non-empty; `always` and `never` override both.
Subcommands inherit the choice through click's context, which `click.echo` and `click.style` obey.
"""

from __future__ import annotations

import os

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
COLOR_CHOICES = ("auto", "always", "never")

color_option = click.option(
    "--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
    help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")


def color_setting(choice: str, environ: dict[str, str] | None = None) -> bool | None:
    """click's `Context.color` for a --color choice: True, False, or None (decide per stream: a terminal)."""
    env = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never" or env.get("NO_COLOR"):
        return False
    return None
