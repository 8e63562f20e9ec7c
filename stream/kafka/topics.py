"""Topic names and their creation.

Topics are created up front with the configured partition count, replication
factor and `min.insync.replicas` (Faust would otherwise create input topics
lazily and output topics not at all when the broker forbids auto-creation).
Creating an existing topic is not an error. The admin client connects with the
configured security, after a preflight that names why a connection fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from nieuwsstroom.stream.errors import ConfigurationError
from nieuwsstroom.stream.kafka.preflight import check_connection
from nieuwsstroom.stream.kafka.security import KafkaSecurity, kafka_security
from nieuwsstroom.stream.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopicNames:
    """The four topics of the pipeline, as configured."""

    raw: str
    enriched: str
    mentions: str
    deadletter: str

    @classmethod
    def from_settings(cls, settings: Settings) -> TopicNames:
        return cls(
            settings.topic_raw,
            settings.topic_enriched,
            settings.topic_mentions,
            settings.topic_deadletter,
        )

    def all(self) -> list[str]:
        return [self.raw, self.enriched, self.mentions, self.deadletter]


def bootstrap_servers(broker_url: str) -> str:
    """`kafka://h1:9092,kafka://h2:9092` (Faust style) -> `h1:9092,h2:9092` (aiokafka style)."""
    hosts = []
    for part in broker_url.split(";") if ";" in broker_url else broker_url.split(","):
        part = part.strip()
        if "://" in part:
            part = part.split("://", 1)[1]
        if part:
            hosts.append(part.rstrip("/"))
    return ",".join(hosts)


def topic_configs(settings: Settings) -> dict[str, str]:
    """Topic-level configuration of the topics nieuwsstroom creates."""
    if settings.min_insync_replicas is None:
        return {}
    return {"min.insync.replicas": str(settings.min_insync_replicas)}


def is_internal_topic(topic: str) -> bool:
    """Kafka's and Faust's own topics: `__consumer_offsets`, Faust's `<app>-__assignor-__leader`
    and table changelogs (`<app>-<table>-changelog`): nothing an operator reads or writes."""
    return topic.startswith("__") or "__assignor-__leader" in topic or topic.endswith("-changelog")


def user_topics(topics: Iterable[str]) -> list[str]:
    """Sorted topic names without Kafka's and Faust's internal ones."""
    return sorted(t for t in topics if not is_internal_topic(t))


def _raise_topic_errors(response: Any, settings: Settings) -> None:
    """CreateTopics answers per topic; turn a refusal into one line with the setting to fix
    (an existing topic is fine: another worker created it a moment ago)."""
    for entry in getattr(response, "topic_errors", ()):
        topic, code = entry[0], entry[1]
        reason = entry[2] if len(entry) > 2 and entry[2] else for_code(code).__name__
        if code in (0, TopicAlreadyExistsError.errno):
            continue
        if code == 38:  # INVALID_REPLICATION_FACTOR
            fix = "set NIEUWSSTROOM_REPLICATION_FACTOR to at most the number of brokers"
        elif code == 37:  # INVALID_PARTITIONS
            fix = "set NIEUWSSTROOM_PARTITIONS to a count the broker allows"
        else:
            fix = "create it on the broker, or ask its admin to"
        raise ConfigurationError(
            f"cannot create topic {topic!r} on {bootstrap_servers(settings.broker)} "
            f"({settings.partitions} partitions, replication factor "
            f"{settings.replication_factor}): {reason.rstrip('.')}: {fix}"
        )


async def _wait_for_leaders(
    admin: AIOKafkaAdminClient, names: list[str], timeout_s: float = 15.0
) -> None:
    """Return once every partition of the new topics has a leader (or after `timeout_s`):
    a producer that starts earlier gets NotLeaderForPartition answers and logs a warning
    per partition while it retries."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        topics = await admin.describe_topics(names)
        ready = len(topics) == len(names) and all(
            topic["error_code"] == 0
            and topic["partitions"]
            and all(p["error_code"] == 0 and p["leader"] >= 0 for p in topic["partitions"])
            for topic in topics
        )
        if ready:
            return
        await asyncio.sleep(0.1)


async def create_missing_topics(
    settings: Settings, names: Iterable[str], security: KafkaSecurity | None = None
) -> list[str]:
    """Create those of `names` that do not exist, with the configured partitions,
    replication factor and topic configs; return the ones created. Raises
    `KafkaConnectError` (one line: unreachable, authentication failed, certificate not
    trusted, ...) when the broker cannot be reached as configured, and
    `ConfigurationError` naming the setting when the broker refuses the topic."""
    security = security or kafka_security(settings)
    bootstrap = bootstrap_servers(settings.broker)
    await check_connection(bootstrap, security)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security.aiokafka_kwargs())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in dict.fromkeys(names) if name not in existing]
        if not missing:
            return []
        configs = topic_configs(settings)
        new_topics = [
            NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=configs)
            for name in missing
        ]
        try:
            response = await admin.create_topics(new_topics)
        except TopicAlreadyExistsError:
            log.info("Topics were created concurrently: %s", missing)
        else:
            _raise_topic_errors(response, settings)
        await _wait_for_leaders(admin, missing)
        log.info(
            "Created topics %s: %d partitions, replication factor %d, %s",
            missing,
            settings.partitions,
            settings.replication_factor,
            configs or "broker default configs",
        )
        return missing
    finally:
        await admin.close()


async def ensure_topics(settings: Settings, security: KafkaSecurity | None = None) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created."""
    names = TopicNames.from_settings(settings).all()
    return await create_missing_topics(settings, names, security)
