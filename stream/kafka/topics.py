"""Topic names and their creation.

Topics are created up front with the configured partition count, replication
factor and `min.insync.replicas` (Faust would otherwise create input topics
lazily and output topics not at all when the broker forbids auto-creation).
Creating an existing topic is not an error. The admin client connects with the
configured security, after a preflight that names why a connection fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

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


async def ensure_topics(settings: Settings, security: KafkaSecurity | None = None) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created.

    Raises `KafkaConnectError` (one line: authentication failed, certificate not
    trusted, ...) when the broker cannot be reached as configured.
    """
    names = TopicNames.from_settings(settings)
    security = security or kafka_security(settings)
    bootstrap = bootstrap_servers(settings.broker)
    await check_connection(bootstrap, security)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security.aiokafka_kwargs())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names.all() if name not in existing]
        if not missing:
            return []
        configs = topic_configs(settings)
        new_topics = [
            NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=configs)
            for name in missing
        ]
        try:
            await admin.create_topics(new_topics)
        except TopicAlreadyExistsError:
            log.info("Topics were created concurrently: %s", missing)
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
