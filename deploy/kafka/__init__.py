"""A real local Apache Kafka 4.x broker (KRaft) fetched from Maven Central; see README.md."""

from deploy.kafka.errors import BrokerError
from deploy.kafka.jars import KAFKA_VERSION
from deploy.kafka.local_broker import LocalKafkaBroker

__all__ = ["KAFKA_VERSION", "BrokerError", "LocalKafkaBroker"]
