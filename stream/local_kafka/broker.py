"""A real Apache Kafka 4.x broker node (KRaft, broker + controller) on 127.0.0.1.

Used by the tests, `nieuwsstroom demo` and `nieuwsstroom broker`; nothing else
in the code assumes it, since the bootstrap address is configuration.

    with LocalKafkaBroker() as broker:        # fetches jars once, formats, starts, waits
        bootstrap = broker.bootstrap           # "127.0.0.1:PORT"
        broker.restart()                       # same ports, same data (crash tests)

    LocalKafkaBroker(security=ListenerSecurity("SASL_SSL", users={"alice": "..."}))
        # a TLS + SCRAM/PLAIN listener with test certificates; broker.client_env()

A node of a 3-node cluster is the same class with a static quorum
(`cluster.py` builds them). The JVM runs in its own process group, so a Ctrl-C
meant for Python does not kill it half-way and `stop()` can signal it and any
child at once. It is never left behind: `stop()` is registered with `atexit`,
and on Linux the JVM gets SIGTERM from the kernel if the thread that started it
dies (PR_SET_PDEATHSIG, `nieuwsstroom.stream.process.parent_death`), which covers a
Python process killed with SIGKILL.

About 390 lines in one class on purpose: a node's configuration, storage format and
process lifecycle are one job; what is not (listeners and their security, ports,
cluster ids, certificates, the cluster) lives in the modules beside this one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from types import TracebackType
from typing import TYPE_CHECKING

from nieuwsstroom.stream.local_kafka.cluster_id import random_cluster_id
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION, ensure_jars, find_java
from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity
from nieuwsstroom.stream.local_kafka.ports import HOST as _HOST
from nieuwsstroom.stream.local_kafka.ports import (
    distinct_free_ports,
    free_port,
    port_is_free,
    previous_ports,
)
from nieuwsstroom.stream.local_kafka.probe import probe
from nieuwsstroom.stream.process.parent_death import die_with_parent

if TYPE_CHECKING:
    from nieuwsstroom.stream.local_kafka.certs import TestPki

__all__ = ["LocalKafkaBroker", "free_port"]

_FORMAT_MAIN = "kafka.tools.StorageTool"  # what bin/kafka-storage.sh runs in Kafka 4.x
_SERVER_MAIN = "kafka.Kafka"  # what bin/kafka-server-start.sh runs


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
        self._check_ports_free()
        if self.security.tls and self.pki is None:
            from nieuwsstroom.stream.local_kafka.certs import write_test_pki

            self.pki = write_test_pki(self.data_dir / "tls")
        config = self._write_config()
        if not (self.data_dir / "kraft" / "meta.properties").is_file():
            self._format(java, libs, config)
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
        parts = []
        for path in (self.log_path, self.data_dir / "logs" / "jvm.out"):
            if path.is_file():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path} (tail) ---\n" + "\n".join(text))
        return "\n".join(parts) or "(no broker log was written)"

    # -- internals --------------------------------------------------------------------------

    def _choose_ports(self) -> None:
        """Requested ports, else the ones a kept data dir used last time (if free), else new."""
        client, internal, controller = self._requested_ports
        previous = previous_ports(self.data_dir / "server.properties")
        names = ("CLIENT", "INTERNAL") if self.security.secured else ("PLAINTEXT",)
        if not client and previous and all(port_is_free(p) for p in previous.values()):
            client = previous.get(names[0], 0)
            internal = internal or previous.get("INTERNAL", 0)
            controller = controller or previous.get("CONTROLLER", 0)
        wanted = [client, controller] + ([internal] if self.security.secured else [])
        fresh = iter(distinct_free_ports(wanted.count(0), {p for p in wanted if p}))
        self.port = client or next(fresh)
        self.controller_port = controller or next(fresh)
        self.internal_port = (internal or next(fresh)) if self.security.secured else None

    @property
    def _ports(self) -> list[int]:
        return [p for p in (self.port, self.internal_port, self.controller_port) if p]

    @property
    def probe_port(self) -> int:
        """The PLAINTEXT port the start-up probe asks: INTERNAL on a secured node."""
        return int(self.internal_port or self.port or 0)

    def _check_ports_free(self) -> None:
        for port in self._ports:
            if not port_is_free(port):
                raise BrokerError(
                    f"port {_HOST}:{port} is taken; pick another with port=... "
                    "(`nieuwsstroom broker --port N`) or 0 for a free one"
                )

    def _node_properties(self) -> dict[str, str]:
        props = self.security.listener_properties(
            client_port=int(self.port or 0),
            internal_port=self.internal_port,
            controller_port=int(self.controller_port or 0),
        )
        if self.quorum_voters:  # a static quorum, as a cluster of fixed nodes has
            props["controller.quorum.voters"] = self.quorum_voters
        else:  # a dynamic quorum of one voter (`format --standalone`)
            props["controller.quorum.bootstrap.servers"] = f"{_HOST}:{self.controller_port}"
        return props | self.security.security_properties(self.pki)

    def _write_config(self) -> Path:
        template = resources.files(__package__).joinpath("server.properties").read_text()
        text = Template(template).substitute(
            node_id=self.node_id,
            node_lines="\n".join(f"{k}={v}" for k, v in self._node_properties().items()),
            log_dirs=self.data_dir / "kraft",
            internal_replicas=self.internal_replicas,
            internal_min_isr=min(self.internal_replicas, 2),
            auto_create_topics=str(self.auto_create_topics).lower(),
        )
        if self.extra_properties:
            extra = "".join(f"{k}={v}\n" for k, v in self.extra_properties.items())
            text += "\n# extra_properties given to LocalKafkaBroker\n" + extra
        config = self.data_dir / "server.properties"
        config.write_text(text)
        log4j = resources.files(__package__).joinpath("log4j2.properties").read_text()
        (self.data_dir / "log4j2.properties").write_text(log4j)
        return config

    def _jvm_args(self, java: str, libs: Path, heap: str) -> list[str]:
        return [
            java, f"-Xmx{heap}", "-Xms64m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.data_dir / 'logs'}",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp", f"{libs}/*",
        ]  # fmt: skip

    def format_command(self, java: str, libs: Path, config: Path) -> list[str]:
        """`kafka-storage format`: `--standalone` for a one-voter dynamic quorum; nothing
        more for a static quorum (its voters are in the config). The cluster id goes in
        as `--cluster-id=ID`, which argparse4j reads even when ID starts with '-'."""
        if self.cluster_id is None:
            self.cluster_id = random_cluster_id()
        cmd = self._jvm_args(java, libs, "256m") + [
            _FORMAT_MAIN, "format", "--ignore-formatted",
            f"--cluster-id={self.cluster_id}", "--config", str(config),
        ]  # fmt: skip
        if not self.quorum_voters:
            cmd.append("--standalone")
        return cmd + self.security.format_arguments()

    def _format(self, java: str, libs: Path, config: Path) -> None:
        cmd = self.format_command(java, libs, config)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if proc.returncode != 0:
            raise BrokerError(
                f"formatting KRaft storage in {self.data_dir / 'kraft'} failed "
                f"(exit {proc.returncode}):\n{(proc.stdout + proc.stderr).strip()[-3000:]}"
            )

    def _launch(self, java: str, libs: Path, config: Path) -> None:
        cmd = self._jvm_args(java, libs, self.heap) + [_SERVER_MAIN, str(config)]
        with open(self.data_dir / "logs" / "jvm.out", "ab") as out:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                start_new_session=True,  # own process group: Ctrl-C in Python does not reach it
                preexec_fn=die_with_parent(signal.SIGTERM),  # None where not Linux
            )
        if not self._atexit_registered:
            atexit.register(self._terminate)
            self._atexit_registered = True

    def wait_ready(self) -> None:
        """Block until the node serves Metadata; raise with the log tail if it cannot."""
        deadline = time.monotonic() + self.start_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not self.is_running:
                code = self._proc.returncode if self._proc else None
                raise BrokerError(
                    f"the Kafka JVM exited with code {code} before it served clients.\n"
                    + self.log_tail()
                )
            try:
                probe(_HOST, self.probe_port, timeout=2.0)
                return
            except (OSError, ConnectionError) as exc:
                last_error = exc
                time.sleep(0.25)
        self._terminate(graceful=False)
        raise BrokerError(
            f"Kafka did not answer on {self.bootstrap} within {self.start_timeout:.0f} s "
            f"(last error: {last_error}); raise start_timeout on a busy machine.\n"
            + self.log_tail()
        )

    def _terminate(self, graceful: bool = True) -> None:
        """Signal the JVM's whole process group; escalate to SIGKILL after stop_timeout."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        sig = signal.SIGTERM if graceful else signal.SIGKILL
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=self.stop_timeout if graceful else 10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
