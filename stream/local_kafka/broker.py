"""A real Apache Kafka 4.x broker node (KRaft, broker + controller) on 127.0.0.1.

Used by the tests, `nieuwsstroom demo` and `nieuwsstroom broker`; nothing else
in the code assumes it, since the bootstrap address is configuration.

    with LocalKafkaBroker() as broker:        # fetches jars once, formats, starts, waits
        bootstrap = broker.bootstrap           # "127.0.0.1:PORT"
        broker.restart()                       # same ports, same data (crash tests)

    LocalKafkaBroker(security=ListenerSecurity("SASL_SSL", users={"alice": "..."}))
        # a TLS + SCRAM/PLAIN listener with test certificates; broker.client_env()

A node of a 3-node cluster is the same class with a static quorum
(`cluster.py` builds them). It is never left behind: `stop()` is registered
with `atexit`, and the JVM dies with the thread that started it (`jvm.py`).

This class decides (ports, data dir, cluster id, when to format) and keeps the
node's state; the modules beside it do the rest: `server_config.py` writes the
properties files, `jvm.py` runs and stops the JVM, `readiness.py` waits for it to
serve, `listeners.py`, `ports.py`, `cluster_id.py` and `certs.py` the parts they name.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from nieuwsstroom.stream.local_kafka.cluster_id import random_cluster_id
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION, ensure_jars, find_java
from nieuwsstroom.stream.local_kafka.jvm import (
    format_command,
    format_storage,
    start_server,
    stop_process_group,
)
from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity
from nieuwsstroom.stream.local_kafka.ports import HOST as _HOST
from nieuwsstroom.stream.local_kafka.ports import check_ports_free, choose_ports, free_port
from nieuwsstroom.stream.local_kafka.readiness import log_tail, wait_until_serving
from nieuwsstroom.stream.local_kafka.server_config import node_properties, write_server_config

if TYPE_CHECKING:
    from nieuwsstroom.stream.local_kafka.certs import TestPki

__all__ = ["LocalKafkaBroker", "free_port"]


class LocalKafkaBroker:
    """Fetch (once), format and run a local KRaft Kafka node; a context manager.

    `port`/`controller_port` 0 means "pick a free one" (kept across `restart()`).
    `data_dir` None means a temporary folder, deleted by `stop()`; give a path to
    keep topics and offsets across runs. `cache_dir` holds the Maven-fetched jars
    (default `~/.cache/nieuwsstroom/kafka`). `security` secures the client listener
    (TLS, SASL, mTLS; test certificates are written to `<data_dir>/tls` unless `pki`
    is given). `node_id`, `quorum_voters` and `cluster_id` make the node one voter
    of a static quorum (`LocalKafkaCluster`); without them it is a one-voter quorum.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        controller_port: int = 0,
        data_dir: str | Path | None = None,
        cache_dir: str | Path | None = None,
        kafka_version: str = KAFKA_VERSION,
        auto_create_topics: bool = False,
        heap: str = "512m",
        start_timeout: float = 120.0,
        stop_timeout: float = 30.0,
        extra_properties: Mapping[str, str] | None = None,
        security: ListenerSecurity | None = None,
        pki: TestPki | None = None,
        node_id: int = 1,
        internal_port: int = 0,
        quorum_voters: str | None = None,
        cluster_id: str | None = None,
        internal_replicas: int = 1,
    ) -> None:
        self._requested_ports = (port, internal_port, controller_port)
        self._owns_data_dir = data_dir is None
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self.kafka_version = kafka_version
        self.auto_create_topics = auto_create_topics
        self.heap = heap
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.extra_properties = dict(extra_properties or {})
        self.security = security or ListenerSecurity()
        self.pki = pki
        self.node_id = node_id
        self.quorum_voters = quorum_voters
        self.cluster_id = cluster_id
        self.internal_replicas = internal_replicas
        self.port: int | None = None
        self.internal_port: int | None = None
        self.controller_port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._atexit_registered = False

    # -- public API -------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """The client listener "127.0.0.1:PORT" (Faust wants "kafka://" + this)."""
        if self.port is None:
            raise BrokerError("the broker has not been started: call start() first")
        return f"{_HOST}:{self.port}"

    @property
    def data_dir(self) -> Path:
        """Folder with server.properties, the KRaft log dirs (`kraft/`) and `logs/`."""
        if self._data_dir is None:
            raise BrokerError("the broker has no data dir yet: call start() first")
        return self._data_dir

    @property
    def cache_dir(self) -> Path | None:
        """Where the Kafka jars are cached (None: the default, ~/.cache/nieuwsstroom/kafka)."""
        return self._cache_dir

    @property
    def log_path(self) -> Path:
        """The broker's Log4j log (`<data_dir>/logs/server.log`); read it when things fail."""
        return self.data_dir / "logs" / "server.log"

    @property
    def pid(self) -> int | None:
        """Process id of the running JVM, or None."""
        return self._proc.pid if self.is_running else None  # type: ignore[union-attr]

    @property
    def is_running(self) -> bool:
        """True while the JVM process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def client_env(self, *, user: str | None = None, mechanism: str = "SCRAM-SHA-512") -> dict:
        """NIEUWSSTROOM_KAFKA_* variables a client of this node needs (none for PLAINTEXT
        beyond the protocol), as `user` with `mechanism` on a SASL listener."""
        return self.security.client_env(self.pki, user=user, mechanism=mechanism)

    def start(self) -> str:
        """Fetch jars if needed, format storage on first use, start, wait; return bootstrap."""
        if self.is_running:
            return self.bootstrap
        self.launch()
        self.wait_ready()
        return self.bootstrap

    def launch(self) -> None:
        """Start the JVM without waiting for it to serve (a cluster launches all its nodes
        first: none can serve before a quorum of them runs)."""
        if self.is_running:
            return
        java = find_java()
        libs = ensure_jars(self._cache_dir, self.kafka_version)
        if self._data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="nieuwsstroom-kafka-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "logs").mkdir(exist_ok=True)
        if self.port is None:  # keep the same ports on restart so clients reconnect
            self._choose_ports()
        check_ports_free(p for p in (self.port, self.internal_port, self.controller_port) if p)
        if self.security.tls and self.pki is None:
            from nieuwsstroom.stream.local_kafka.certs import write_test_pki

            self.pki = write_test_pki(self.data_dir / "tls")
        config = self._write_config()
        if not (self.data_dir / "kraft" / "meta.properties").is_file():
            format_storage(self.format_command(java, libs, config), self.data_dir)
        self._launch(java, libs, config)

    def stop(self, *, graceful: bool = True) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after `stop_timeout`); delete a temp data dir.

        `graceful=False` sends SIGKILL at once: a crash, for recovery tests.
        """
        self._terminate(graceful=graceful)
        if self._owns_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None
            self.port = self.internal_port = self.controller_port = None

    def kill(self) -> None:
        """SIGKILL the JVM (a crash) and keep ports and data: `start()` brings it back."""
        self._terminate(graceful=False)

    def restart(self, *, graceful: bool = True) -> str:
        """Stop and start again on the same ports and data dir; return the bootstrap."""
        self._terminate(graceful=graceful)
        return self.start()

    def __enter__(self) -> LocalKafkaBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the broker log and of the JVM's stdout/stderr, for error messages."""
        return log_tail(self.data_dir, lines)

    # -- internals --------------------------------------------------------------------------

    def _choose_ports(self) -> None:
        """Requested ports, else the ones a kept data dir used last time (if free), else new."""
        self.port, self.internal_port, self.controller_port = choose_ports(
            self._requested_ports,
            self.data_dir / "server.properties",
            secured=self.security.secured,
        )

    @property
    def probe_port(self) -> int:
        """The PLAINTEXT port the start-up probe asks: INTERNAL on a secured node."""
        return int(self.internal_port or self.port or 0)

    def _write_config(self) -> Path:
        properties = node_properties(
            self.security,
            self.pki,
            client_port=int(self.port or 0),
            internal_port=self.internal_port,
            controller_port=int(self.controller_port or 0),
            quorum_voters=self.quorum_voters,
        )
        return write_server_config(
            self.data_dir,
            node_id=self.node_id,
            properties=properties,
            internal_replicas=self.internal_replicas,
            auto_create_topics=self.auto_create_topics,
            extra_properties=self.extra_properties,
        )

    def format_command(self, java: str, libs: Path, config: Path) -> list[str]:
        """`kafka-storage format`: `--standalone` for a one-voter dynamic quorum; nothing
        more for a static quorum (its voters are in the config). A cluster id is drawn on
        first use unless one was given."""
        if self.cluster_id is None:
            self.cluster_id = random_cluster_id()
        return format_command(
            java,
            libs,
            self.data_dir,
            config,
            cluster_id=self.cluster_id,
            standalone=not self.quorum_voters,
            extra=self.security.format_arguments(),
        )

    def _launch(self, java: str, libs: Path, config: Path) -> None:
        self._proc = start_server(java, libs, self.data_dir, config, self.heap)
        if not self._atexit_registered:
            atexit.register(self._terminate)
            self._atexit_registered = True

    def wait_ready(self) -> None:
        """Block until the node serves Metadata; raise with the log tail if it cannot."""
        wait_until_serving(
            self._proc,
            self.probe_port,
            bootstrap=self.bootstrap,
            timeout=self.start_timeout,
            data_dir=self.data_dir,
            on_timeout=lambda: self._terminate(graceful=False),
        )

    def _terminate(self, graceful: bool = True) -> None:
        """Signal the JVM's whole process group; escalate to SIGKILL after stop_timeout."""
        proc, self._proc = self._proc, None
        stop_process_group(proc, graceful=graceful, timeout=self.stop_timeout)
