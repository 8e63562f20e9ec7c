"""Input files of the commands, checked before anything slow or remote starts.

`translate`, `link`, `produce` and `demo --input` read a FILE (or `-` for
standard input). They open it first, through `open_input`, so a typo in the
path is one line naming the file and the fix, before a model loads or a
broker is contacted; and text commands decode through `decode_text`, so a file
that is not UTF-8 is named with the offending byte rather than a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from nieuwsstroom.stream.cli.errors import CliError

STDIN = "-"


@contextlib.contextmanager
def open_input(file: str | Path) -> Iterator[BinaryIO]:
    """The file opened for reading in binary (stdin's buffer for `-`, left open after)."""
    if str(file) == STDIN:
        yield sys.stdin.buffer
        return
    with _open_file(Path(file)) as handle:
        yield handle


def _open_file(path: Path) -> BinaryIO:
    """`path` opened in binary, or a `CliError` naming it and the fix."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        problem = "no such file; check the path, or give - to read standard input"
    except IsADirectoryError:
        problem = "it is a directory; give a file"
    except PermissionError:
        problem = "permission denied; check the file's permissions"
    except OSError as exc:
        problem = (exc.strerror or str(exc)).lower()
    raise CliError(f"cannot read {path}: {problem}")


def decode_text(raw: bytes, source: str | Path) -> str:
    """UTF-8 text, or a `CliError` naming the file and the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "standard input" if str(source) == STDIN else str(source)
        raise CliError(
            f"{name} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}; "
            "save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from exc
