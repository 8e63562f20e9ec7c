"""A real local Apache Kafka 4.x broker (KRaft) fetched from Maven Central; see README.md."""

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION

__all__ = ["KAFKA_VERSION", "BrokerError", "LocalKafkaBroker"]
