"""Build the settings at start-up, and refuse a bad value by the variable the user set.

pydantic says "partitions: Input should be a valid integer" in a 50-line
traceback; the user typed `NIEUWSSTROOM_PARTITIONS=abc`. `load_settings()`
turns a `ValidationError` into one `SettingsError` line that names the
environment variable, the value, what is wrong, and what to set instead:

    NIEUWSSTROOM_PARTITIONS='abc' is not an integer: set it to an integer >= 1,
    or unset it for the default (4)

`describe_invalid_settings` is also what the CLI's error boundary prints when a
command builds `Settings()` itself, so every entry point speaks the same way.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from nieuwsstroom.stream.errors import SettingsError
from nieuwsstroom.stream.settings import Settings

_PROBLEMS = {
    "int_parsing": "is not an integer",
    "int_type": "is not an integer",
    "int_from_float": "is not an integer",
    "float_parsing": "is not a number",
    "float_type": "is not a number",
    "bool_parsing": "is not true or false",
    "bool_type": "is not true or false",
    "literal_error": "is not one of the accepted values",
    "path_type": "is not a path",
    "string_type": "is not text",
}


def env_var(field: str) -> str:
    """The environment variable of a settings field: `partitions` -> NIEUWSSTROOM_PARTITIONS."""
    prefix = Settings.model_config.get("env_prefix", "")
    return f"{prefix}{field.upper()}"


def plain_value(value: object) -> str:
    """A value as one writes it in an environment variable: 1 not 1.0, true not True."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def default_text(info: FieldInfo) -> str:
    """A field's default as a user would write it ("" when there is none)."""
    if info.default_factory is not None:
        default = info.default_factory()  # type: ignore[call-arg]
        if isinstance(default, Path):
            home = str(Path.home())
            text = str(default)
            return "~" + text[len(home) :] if text.startswith(home + "/") else text
        return plain_value(default)
    default = info.get_default(call_default_factory=False)
    return "" if default is None else plain_value(default)


def _bounds(info: FieldInfo) -> str:
    """The field's numeric limits in words: " >= 1", " from 0 to 1", " > 0"."""
    limits = {type(item): item for item in info.metadata if isinstance(item, Ge | Gt | Le | Lt)}
    low, high = limits.get(Ge) or limits.get(Gt), limits.get(Le) or limits.get(Lt)
    if isinstance(low, Ge) and isinstance(high, Le):
        return f" from {plain_value(low.ge)} to {plain_value(high.le)}"
    words = {Ge: (">=", "ge"), Gt: (">", "gt"), Le: ("<=", "le"), Lt: ("<", "lt")}
    parts = []
    for limit in (low, high):
        if limit is not None:
            sign, attribute = words[type(limit)]
            parts.append(f"{sign} {plain_value(getattr(limit, attribute))}")
    return (" " + " and ".join(parts)) if parts else ""


def _expectation(info: FieldInfo) -> str:
    """What the field accepts, in words: "an integer >= 1", "one of DEBUG, INFO, ..."."""
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(str(choice) for choice in typing.get_args(annotation))
    words = {int: "an integer", float: "a number", bool: "true or false", Path: "a path"}
    return words.get(annotation, "a value") + _bounds(info)  # type: ignore[call-overload]


def _problem(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"is below the minimum {plain_value(ctx.get('ge'))}"
    if kind == "greater_than":
        return f"must be greater than {plain_value(ctx.get('gt'))}"
    if kind == "less_than_equal":
        return f"is above the maximum {plain_value(ctx.get('le'))}"
    if kind == "less_than":
        return f"must be less than {plain_value(ctx.get('lt'))}"
    return _PROBLEMS.get(kind) or str(error.get("msg", "is not valid")).lower()


def describe_one(
    error: Mapping[str, Any],
    flags: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
) -> str:
    """One bad field as `VAR='value' <problem>: set it to <what>, or unset it (default)`;
    a field given on the command line is named by its flag (`flags`: field -> flag) and
    shown as typed (`given`: field -> value)."""
    loc = error.get("loc") or ()
    field = str(loc[0]) if loc else ""
    info = Settings.model_fields.get(field)
    if info is None:  # not a field error (none exist today): pydantic's own words
        return str(error.get("msg", "invalid settings"))
    if flags and field in flags:
        typed = (given or {}).get(field, error.get("input"))
        return f"{flags[field]} {typed!r} {_problem(error)}: give {_expectation(info)}"
    var = env_var(field)
    shown = os.environ.get(var, error.get("input"))
    default = default_text(info)
    unset = f"unset it for the default ({default})" if default else "unset it"
    return f"{var}={shown!r} {_problem(error)}: set it to {_expectation(info)}, or {unset}"


def describe_invalid_settings(
    exc: ValidationError,
    flags: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
) -> str:
    """The first bad setting in one line, plus the names of any others."""
    errors = exc.errors()
    first = describe_one(errors[0], flags, given)
    others = []
    for error in errors[1:]:
        loc = error.get("loc") or ()
        if loc and str(loc[0]) in Settings.model_fields:
            others.append(env_var(str(loc[0])))
    if others:
        first += f" (also invalid: {', '.join(dict.fromkeys(others))})"
    return first


def is_settings_error(exc: BaseException) -> bool:
    """True for a ValidationError raised while building `Settings`."""
    return isinstance(exc, ValidationError) and exc.title == Settings.__name__


def load_settings(flags: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """`Settings(**overrides)`, or a `SettingsError` naming the variable to fix (or the
    command-line flag, for overrides listed in `flags` as field -> flag)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_invalid_settings(exc, flags, overrides)) from exc
