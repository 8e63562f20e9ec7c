"""Errors of the translation library.

One root class, so the stream can catch "translation went wrong" without
importing CTranslate2 or Argos. Messages carry the offending values and, for a
missing model, every way to fix it: a worker must fail at start-up with a
readable reason, never with a traceback deep inside CTranslate2.
"""

from __future__ import annotations

from pathlib import Path

INSTALL_HINTS = (
    "Install one of these and start again:\n"
    "  - the official Argos package:   argospm install translate-nl_en\n"
    "    (or: nieuwsstroom models install --online)\n"
    "  - a local .argosmodel file:     nieuwsstroom models install PATH\n"
    "  - or point the pipeline at one: NIEUWSSTROOM_ARGOS_MODEL=/path/to/model.argosmodel"
)


class TranslatorError(Exception):
    """Root of every error raised by the `translators` package."""


class ModelNotFoundError(TranslatorError):
    """No usable Dutch->English model: not given, not installed, test model not allowed."""

    def __init__(self, reason: str, searched: list[Path] | None = None) -> None:
        where = ""
        if searched:
            where = "\nSearched Argos package directories: " + ", ".join(str(p) for p in searched)
        super().__init__(f"No Dutch->English translation model: {reason}.{where}\n{INSTALL_HINTS}")
        self.reason = reason
        self.searched = list(searched or [])


class InvalidModelError(TranslatorError):
    """A given model file or directory is not a usable Argos nl->en package."""

    def __init__(self, path: Path, problem: str) -> None:
        # One line, and no "install PATH" advice: installing PATH is what just failed.
        super().__init__(
            f"{path} is not an Argos nl->en package ({problem}): get the official one with "
            "`argospm install translate-nl_en` or `nieuwsstroom models install --online`"
        )
        self.path = path
        self.problem = problem


class OnlineInstallError(TranslatorError):
    """`models install --online` could not fetch the index or the package."""
