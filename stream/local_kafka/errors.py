"""Errors of the local Kafka broker helper.

One class on purpose: every failure (no Java, no Maven, Maven failed, the
broker did not come up, a port is taken) is one the user fixes by hand, so the
message carries the fix and, where a JVM ran, the tail of its log. `deploy`
does not import `stream`, so this is its own root rather than a
`NieuwsstroomError` subclass.
"""

from __future__ import annotations


class BrokerError(RuntimeError):
    """The local Kafka broker could not be fetched, formatted, started or stopped."""
