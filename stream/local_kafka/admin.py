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


def set_scram_password(broker: LocalKafkaBroker, user: str, password: str) -> None:
    """Give `user` a new SCRAM-SHA-256/512 password on the running `broker`."""
    if not broker.is_running:
        raise BrokerError("the broker is not running")
    libs = ensure_jars(broker._cache_dir, broker.kafka_version)
    configs = ",".join(f"{m}=[password={password}]" for m in SCRAM_MECHANISMS)
    cmd = [
        find_java(), "-Xmx128m", "-cp", f"{libs}/*", _CONFIG_MAIN,
        "--bootstrap-server", f"127.0.0.1:{broker.probe_port}",
        "--alter", "--entity-type", "users", "--entity-name", user, "--add-config", configs,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise BrokerError(
            f"kafka-configs could not set the password of {user!r} "
            f"(exit {done.returncode}): {(done.stdout + done.stderr).strip()[-1500:]}"
        )
