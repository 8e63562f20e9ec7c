"""Ask a Kafka broker, over its own wire protocol, whether it really serves clients.

Why not aiokafka: `LocalKafkaBroker.start()` is synchronous and is called from
pytest fixtures, the CLI and code that may already run an event loop, where
`asyncio.run` fails. Why not "the port accepts connections": a KRaft broker
opens its port before it has caught up with the metadata log. An ApiVersions
request followed by a Metadata request that lists at least one broker is what
a client needs, and takes ~40 lines of `struct`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

_API_VERSIONS = 18
_METADATA = 3
_METADATA_VERSION = 4  # lowest Metadata version Kafka 4.x still serves (KIP-896), not flexible


@dataclass(frozen=True)
class ClusterInfo:
    """What the probe learnt: the cluster id and the brokers' (node id, host, port)."""

    cluster_id: str | None
    brokers: tuple[tuple[int, str, int], ...]


class _Reader:
    """Minimal big-endian reader over one response body."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def string(self) -> str | None:
        size = self.take(">h")
        if size < 0:
            return None
        text = self.data[self.pos : self.pos + size].decode("utf-8")
        self.pos += size
        return text


def _request(sock: socket.socket, api_key: int, version: int, corr: int, body: bytes) -> _Reader:
    client_id = b"nieuwsstroom-probe"
    header = struct.pack(">hhih", api_key, version, corr, len(client_id)) + client_id
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    size = struct.unpack(">i", _read_exactly(sock, 4))[0]
    reader = _Reader(_read_exactly(sock, size))
    if reader.take(">i") != corr:
        raise ConnectionError("Kafka answered with the wrong correlation id")
    return reader


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(left)
        if not chunk:
            raise ConnectionError("Kafka closed the connection mid-response")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def probe(host: str, port: int, timeout: float = 2.0) -> ClusterInfo:
    """Return the cluster's metadata, or raise OSError/ConnectionError if it does not serve yet."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        versions = _request(sock, _API_VERSIONS, 0, 1, b"")
        error = versions.take(">h")
        if error != 0:
            raise ConnectionError(f"ApiVersions failed with Kafka error code {error}")
        ranges = {}
        for _ in range(versions.take(">i")):
            key, low, high = versions.take(">h"), versions.take(">h"), versions.take(">h")
            ranges[key] = (low, high)
        low, high = ranges.get(_METADATA, (0, -1))
        if not low <= _METADATA_VERSION <= high:
            return ClusterInfo(None, ())  # a future Kafka: ApiVersions answering must do
        # topics = null (-1: all topics), allow_auto_topic_creation = false
        meta = _request(sock, _METADATA, _METADATA_VERSION, 2, struct.pack(">ib", -1, 0))
        meta.take(">i")  # throttle_time_ms
        brokers = []
        for _ in range(meta.take(">i")):
            node_id = meta.take(">i")
            broker_host = meta.string() or ""
            broker_port = meta.take(">i")
            meta.string()  # rack
            brokers.append((node_id, broker_host, broker_port))
        cluster_id = meta.string()
    if not brokers:
        raise ConnectionError("Kafka answered Metadata with no live broker yet")
    return ClusterInfo(cluster_id, tuple(brokers))
