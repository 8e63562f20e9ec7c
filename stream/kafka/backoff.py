"""Back off when no broker answers a metadata request (aiokafka 0.14.0 busy-loops).

While a broker restarts, its port is closed, so every connection attempt fails at
once. aiokafka's metadata refresh then fails at once too, and the producer's sender,
which (with a partition whose leader went away in the controlled shutdown) waits on
nothing but that refresh, asks for the next one immediately. The broker-restart test
caught the worker spinning on its event loop, logging two ERROR lines per turn
("Unable connect to node", "Unable to update metadata"), up to 1,700 lines a second,
for as long as the broker was away. A stand-alone aiokafka producer did the same
(9.4 s of CPU and 54,000 log lines in a 10 s outage). Upstream knows it as
aio-libs/aiokafka#496 (reopened 2025; the proposed fix, PR #1014, is not in 0.14.0).

The fix: a failed refresh returns only after the client's own `retry_backoff_ms`
(100 ms by default), so every loop that waits on it retries at that pace, as Kafka's
Java client does. Successful refreshes are untouched, so recovery is as quick as
before (the same outage: 0.3 s of CPU, 200 log lines). Installed once per process by
`nieuwsstroom worker`; drop this module when aiokafka ships the fix.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka.client import AIOKafkaClient

log = logging.getLogger(__name__)

_MARK = "_nieuwsstroom_backs_off"


def install() -> bool:
    """Make a failed metadata refresh wait `retry_backoff_ms`; True if installed now.

    Idempotent. If aiokafka no longer has the private method this wraps, nothing is
    changed and a warning says so (a newer aiokafka may have fixed it differently).
    """
    original: Callable[..., Awaitable[bool]] | None = getattr(
        AIOKafkaClient, "_metadata_update", None
    )
    if original is None:
        log.warning("aiokafka has no AIOKafkaClient._metadata_update; metadata back-off not set")
        return False
    if getattr(original, _MARK, False):
        return False

    @functools.wraps(original)
    async def _metadata_update(self: AIOKafkaClient, *args: Any, **kwargs: Any) -> bool:
        updated = await original(self, *args, **kwargs)
        if not updated:
            await asyncio.sleep(getattr(self, "_retry_backoff", 0.1))
        return updated

    setattr(_metadata_update, _MARK, True)
    AIOKafkaClient._metadata_update = _metadata_update  # type: ignore[method-assign]
    return True
