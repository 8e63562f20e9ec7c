"""Errors of the local Kafka broker helper.

One class on purpose: every failure (no Java, no Maven, Maven failed, the
broker did not come up, a port is taken) is one the user fixes by hand, so the
message carries the fix and, where a JVM ran, the tail of its log.
"""

from __future__ import annotations

from nieuwsstroom.stream.errors import NieuwsstroomError


class BrokerError(NieuwsstroomError):
    """The local Kafka broker could not be fetched, formatted, started or stopped."""
