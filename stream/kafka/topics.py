"""Topic names and their creation.

Topics are created up front with the configured partition count (Faust would
otherwise create input topics lazily and output topics not at all when the
broker forbids auto-creation). Creating an existing topic is not an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

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


async def ensure_topics(settings: Settings) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created."""
    names = TopicNames.from_settings(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.broker))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names.all() if name not in existing]
        if not missing:
            return []
        new_topics = [
            NewTopic(name, settings.partitions, settings.replication_factor) for name in missing
        ]
        try:
            await admin.create_topics(new_topics)
        except TopicAlreadyExistsError:
            log.info("Topics were created concurrently: %s", missing)
        log.info("Created topics %s with %d partitions", missing, settings.partitions)
        return missing
    finally:
        await admin.close()
