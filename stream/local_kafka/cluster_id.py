"""KRaft cluster ids, made the way Kafka makes them.

`kafka-storage format --cluster-id ID` parses ID with argparse4j, which reads a value
that starts with `-` as the next option ("argument --cluster-id/-t: expected one
argument"). A URL-safe base64 UUID starts with `-` once in 64 draws, which made the
local broker fail to start about once in 64 runs. Kafka's own `Uuid.randomUuid()`
(clients/.../common/Uuid.java) never returns such an id, nor the reserved all-zero
and "one" ids: it draws again. We do the same, and the broker also passes the id as
`--cluster-id=ID`, which argparse4j reads whatever the id starts with.
"""

from __future__ import annotations

import base64
import uuid

_RESERVED = frozenset({bytes(16), bytes(15) + b"\x01"})  # Uuid.ZERO_UUID, Uuid.ONE_UUID


def encode(raw: bytes) -> str:
    """Kafka's `Uuid.toString()`: URL-safe base64 of the 16 bytes, without padding."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def random_cluster_id() -> str:
    """A random version-4 UUID as Kafka prints it, never reserved, never starting with '-'."""
    while True:
        raw = uuid.uuid4().bytes
        text = encode(raw)
        if raw not in _RESERVED and not text.startswith("-"):
            return text
