"""One error boundary for the whole command line.

Commands raise; they never print an error and exit themselves. The root
command group (`BoundaryGroup`) runs every command inside `error_boundary()`,
so the console script and tests through Typer's runner behave the same. It
turns every error a user can
cause (a setting, a file, a model archive, a knowledge base, a refusal with a
reason) into one line on stderr, `error: <what went wrong and what to do>`,
and exit status 2. The traceback is shown only with `--debug` (or
`NIEUWSSTROOM_LOG_LEVEL=DEBUG`). Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator
from typing import Any

from nieuwsstroom.stream.cli.help_format import Group
from nieuwsstroom.stream.errors import NieuwsstroomError, user_errors

USER_ERROR_EXIT = 2


class CliError(NieuwsstroomError):
    """A command cannot go on; the message says why and what to do instead."""

    def __init__(self, message: str, *, exit_code: int = USER_ERROR_EXIT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _describe_os_error(exc: OSError) -> str:
    """`cannot open FILE: No such file or directory` for errors about a named file."""
    return f"cannot open {exc.filename}: {exc.strerror or exc}"


@contextlib.contextmanager
def error_boundary(*, debug: bool) -> Iterator[None]:
    """Print user errors as one line and exit 2 (with the traceback when `debug`)."""
    try:
        yield
    except CliError as exc:
        _report(str(exc), exc, debug)
        raise SystemExit(exc.exit_code) from None
    except user_errors() as exc:
        _report(str(exc), exc, debug)
        raise SystemExit(USER_ERROR_EXIT) from None
    except OSError as exc:
        if exc.filename is None:
            raise
        _report(_describe_os_error(exc), exc, debug)
        raise SystemExit(USER_ERROR_EXIT) from None
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        # Imported here: pydantic is not needed for `--help` or a command that succeeds.
        from nieuwsstroom.stream.settings_check import describe_invalid_settings, is_settings_error

        if not is_settings_error(exc):
            raise
        _report(describe_invalid_settings(exc), exc, debug)  # type: ignore[arg-type]
        raise SystemExit(USER_ERROR_EXIT) from None


def _report(message: str, exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    print(f"error: {message.strip() or type(exc).__name__}", file=sys.stderr, flush=True)


class BoundaryGroup(Group):
    """The root command group: every command runs inside the one error boundary."""

    def invoke(self, ctx: Any) -> Any:
        debug = bool(ctx.params.get("debug")) or (
            os.environ.get("NIEUWSSTROOM_LOG_LEVEL", "").upper() == "DEBUG"
        )
        with error_boundary(debug=debug):
            return super().invoke(ctx)
