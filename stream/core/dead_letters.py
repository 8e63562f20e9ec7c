"""The one place a failure becomes a dead letter.

Every path that gives up on a message (a refusal in the pipeline, a stage that
kept failing, the broker refusing an enriched record, a pipeline bug caught by
the agent) calls `dead_letter`, so the reason consumers read in the headers is
built the same way everywhere: the stage comes from the error when it knows it,
the error class is the root cause's, and an unexpected error is logged with its
traceback once, here.
"""

from __future__ import annotations

import logging

from nieuwsstroom.stream.core.outcomes import DeadLetter, RawMessage, utc_now
from nieuwsstroom.stream.errors import RetriesExhaustedError, StageError

log = logging.getLogger(__name__)


def dead_letter(
    message: RawMessage, exc: BaseException, default_stage: str = "internal"
) -> DeadLetter:
    """The dead letter for `message` failing with `exc`.

    A `StageError` names its stage and is an expected refusal (no traceback); any
    other error is a surprise, logged with its traceback, and gets `default_stage`.
    """
    stage = exc.stage if isinstance(exc, StageError) else default_stage
    error_class = exc.cause_class if isinstance(exc, RetriesExhaustedError) else type(exc).__name__
    text = str(exc) or repr(exc)
    if not isinstance(exc, StageError):
        log.error(
            "Stage %s failed on %s[%d]@%d",
            stage,
            message.topic,
            message.partition,
            message.offset,
            exc_info=exc,
        )
    return DeadLetter(message, stage, error_class, text, utc_now())
