"""Faust configuration derived from ours, shared by the worker's two Faust apps.

Both apps (enrichment and trending) talk to the same Kafka with the same
serialisation rules; keeping their configuration in one function means a
setting (a broker credential, a session timeout) cannot reach one and miss the
other.
"""

from __future__ import annotations

from typing import Any

import faust

from nieuwsstroom.stream.core.enriched_record import MAX_RECORD_BYTES
from nieuwsstroom.stream.kafka.security import kafka_security
from nieuwsstroom.stream.settings import Settings


def faust_settings(settings: Settings, *, web_enabled: bool = True) -> dict[str, Any]:
    """Faust configuration derived from ours (one source of truth)."""
    return {
        "broker": settings.broker,
        # TLS/SASL for every connection Faust opens (consumer, producer, topic creation)
        "broker_credentials": kafka_security(settings).faust_credentials(),
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "key_serializer": "raw",
        "value_serializer": "raw",
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        # Heartbeats come from aiokafka's background task, not from processing, so a
        # short timeout only speeds up failover; Faust's default is 60 s.
        "broker_session_timeout": settings.session_timeout_s,
        "producer_max_request_size": MAX_RECORD_BYTES + 64_000,  # record + headers, key
        "store": "memory://",
        "datadir": str(settings.data_dir),
        "web_enabled": web_enabled,
        "web_host": settings.web_host,
        "web_bind": settings.web_host,  # Faust binds 0.0.0.0 unless told; web_host only names it
        "web_port": settings.web_port,
        "web_in_thread": False,
    }


def bytes_topic(app: faust.App, name: str, partitions: int) -> Any:
    """A topic whose keys and values stay raw bytes: we decode and encode (orjson) ourselves,
    so a malformed message reaches the pipeline (and the dead-letter topic) instead of
    failing inside Faust's deserializer."""
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=partitions,
    )
