"""Help texts that read like a manual: `FILE`, not `{file}`; no `<bool>` beside every flag.

Typer (0.2x) marks every parameter's type in its help (`--serve <bool>`,
`--port <int>`) and writes a required argument as `{file}` in the usage line.
Our commands and groups use these classes instead (`cls=Command` on each
command, `cls=Group` on each group), which keep Typer's layout but show:

- flags without a type tag: `--serve`;
- options with a metavar saying what the value is: `--port N`, `--input FILE`
  (given in the declaration; else the type in capitals: `TEXT`, `INTEGER`);
- arguments in capitals, as in the usage line: `Usage: nieuwsstroom produce [OPTIONS] FILE`.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup

_BRACED = re.compile(r"^\{(?P<name>.*)\}(?P<more>\.\.\.)?$")
_TYPE_WORDS = {"int": "INTEGER", "float": "NUMBER", "str": "TEXT", "Path": "PATH"}


def _type_name(param: Any) -> str:
    """The parameter's Python type name (Typer 0.2x vendors click: duck-typed, not isinstance)."""
    if hasattr(param, "bare_type"):
        return str(param.bare_type())
    return str(getattr(getattr(param, "type", None), "name", "") or "value")


class _Argument(TyperArgument):
    """An argument whose help shows its name (FILE) and no type column (`<str>`)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _tidy(param: Any) -> None:
    """Give a parameter the metavar its help should show (once, in place)."""
    if type(param) is TyperArgument and hasattr(TyperArgument, "display_type_rich"):
        # Typer builds its own argument objects (no hook to choose the class); this
        # subclass only changes how help displays it.
        param.__class__ = _Argument
    if param.metavar is not None:
        return
    kind = getattr(param, "param_type_name", "")
    if kind == "option" and getattr(param, "is_flag", False):
        param.metavar = ""  # Typer prints the metavar instead of "<bool>": so nothing
    elif kind == "argument":
        param.metavar = (param.name or "value").upper()
    elif kind == "option":
        name = _type_name(param)
        param.metavar = _TYPE_WORDS.get(name, name.upper())


def _unbrace(pieces: list[str]) -> list[str]:
    """`{FILE}` -> `FILE`, `{QIDS}...` -> `QIDS...` in the usage line."""
    out = []
    for piece in pieces:
        found = _BRACED.match(piece)
        out.append(found["name"] + (found["more"] or "") if found else piece)
    return out


class Command(TyperCommand):
    """A Typer command whose help shows FILE, N, URL... and bare flags."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _tidy(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _tidy(option)
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _unbrace(super().collect_usage_pieces(ctx))


class Group(TyperGroup):
    """A Typer group with the same help conventions as `Command`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _tidy(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _tidy(option)
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _unbrace(super().collect_usage_pieces(ctx))


def undocumented_parameters(root: Any, path: str = "nieuwsstroom") -> list[str]:
    """`command --option` for every parameter without help text (a test keeps this empty)."""
    missing = []
    for param in root.params:
        if getattr(param, "help", None) is None and param.name != "help":
            missing.append(f"{path} {param.opts[0] if param.opts else param.name}")
    for name, command in (getattr(root, "commands", None) or {}).items():
        missing += undocumented_parameters(command, f"{path} {name}")
    return missing
