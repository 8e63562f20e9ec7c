"""Administer a running local broker with Kafka's own tools, as an operator would.

`set_scram_password` rotates a SCRAM user's password (`kafka-configs --alter
--entity-type users --add-config 'SCRAM-SHA-512=[password=...]'`), so tests can
show what a running worker does when the broker stops accepting its password.
The tool talks to the node's PLAINTEXT INTERNAL listener.
"""

from __future__ import annotations

import subprocess

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import ensure_jars, find_java
from nieuwsstroom.stream.local_kafka.listeners import SCRAM_MECHANISMS

_CONFIG_MAIN = "kafka.admin.ConfigCommand"  # what bin/kafka-configs.sh runs


def set_scram_password(
    broker: LocalKafkaBroker,
    user: str,
    password: str,
    mechanisms: tuple[str, ...] = SCRAM_MECHANISMS,
) -> None:
    """Give `user` a new password for each SCRAM mechanism on the running `broker`
    (one kafka-configs run per mechanism: Kafka refuses two changes of one user's
    credentials in one request)."""
    if not broker.is_running:
        raise BrokerError("the broker is not running")
    libs = ensure_jars(broker.cache_dir, broker.kafka_version)
    for mechanism in mechanisms:
        cmd = [
            find_java(), "-Xmx128m", "-cp", f"{libs}/*", _CONFIG_MAIN,
            "--bootstrap-server", f"127.0.0.1:{broker.probe_port}",
            "--alter", "--entity-type", "users", "--entity-name", user,
            "--add-config", f"{mechanism}=[password={password}]",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            output = (done.stdout + done.stderr).replace(password, "***").strip()
            raise BrokerError(
                f"kafka-configs could not set the {mechanism} password of {user!r} "
                f"(exit {done.returncode}): {output[-1500:]}"
            )
