"""A real single-node Apache Kafka 4.x broker (KRaft, broker + controller) on 127.0.0.1.

Used by the tests, `nieuwsstroom demo` and `nieuwsstroom broker`; nothing else
in the code assumes it, since the bootstrap address is configuration.

    with LocalKafkaBroker() as broker:        # fetches jars once, formats, starts, waits
        bootstrap = broker.bootstrap           # "127.0.0.1:PORT"
        broker.restart()                       # same ports, same data (crash tests)

The JVM runs in its own process group, so a Ctrl-C meant for Python does not
kill it half-way and `stop()` can signal it and any child at once. It is never
left behind: `stop()` is registered with `atexit`, and on Linux the JVM gets
SIGTERM from the kernel if the thread that started it dies (PR_SET_PDEATHSIG),
which covers a Python process killed with SIGKILL.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from types import TracebackType

from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.jars import KAFKA_VERSION, ensure_jars, find_java
from nieuwsstroom.stream.local_kafka.probe import probe

_HOST = "127.0.0.1"
_FORMAT_MAIN = "kafka.tools.StorageTool"  # what bin/kafka-storage.sh runs in Kafka 4.x
_SERVER_MAIN = "kafka.Kafka"  # what bin/kafka-server-start.sh runs


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """preexec_fn: ask Linux to SIGTERM the JVM when the starting thread exits."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class LocalKafkaBroker:
    """Fetch (once), format and run a local KRaft Kafka broker; a context manager.

    `port`/`controller_port` 0 means "pick a free one" (kept across `restart()`).
    `data_dir` None means a temporary folder, deleted by `stop()`; give a path to
    keep topics and offsets across runs. `cache_dir` holds the Maven-fetched jars
    (default `~/.cache/nieuwsstroom/kafka`).
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
    ) -> None:
        self._requested_ports = (port, controller_port)
        self._owns_data_dir = data_dir is None
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self.kafka_version = kafka_version
        self.auto_create_topics = auto_create_topics
        self.heap = heap
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.extra_properties = dict(extra_properties or {})
        self.port: int | None = None
        self.controller_port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._atexit_registered = False

    # -- public API -------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """The address "127.0.0.1:PORT" for Kafka clients (Faust wants "kafka://" + this)."""
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

    def start(self) -> str:
        """Fetch jars if needed, format storage on first use, start, wait; return bootstrap."""
        if self.is_running:
            return self.bootstrap
        java = find_java()
        libs = ensure_jars(self._cache_dir, self.kafka_version)
        if self._data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="nieuwsstroom-kafka-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "logs").mkdir(exist_ok=True)
        if self.port is None:  # keep the same ports on restart so clients reconnect
            self._choose_ports()
        self._check_ports_free()
        config = self._write_config()
        if not (self.data_dir / "kraft" / "meta.properties").is_file():
            self._format(java, libs, config)
        self._launch(java, libs, config)
        self._wait_ready()
        return self.bootstrap

    def stop(self, *, graceful: bool = True) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after `stop_timeout`); delete a temp data dir.

        `graceful=False` sends SIGKILL at once: a crash, for recovery tests.
        """
        self._terminate(graceful=graceful)
        if self._owns_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None
            self.port = self.controller_port = None

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
        previous = _previous_ports(self.data_dir / "server.properties")
        broker, controller = self._requested_ports
        if not broker and previous and all(_port_is_free(p) for p in previous):
            broker, controller = previous if not controller else (previous[0], controller)
        self.port = broker or free_port()
        self.controller_port = controller or free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()

    def _check_ports_free(self) -> None:
        for port in (int(self.port or 0), int(self.controller_port or 0)):
            if not _port_is_free(port):
                raise BrokerError(
                    f"port {_HOST}:{port} is taken; pick another with port=... "
                    "(`nieuwsstroom broker --port N`) or 0 for a free one"
                )

    def _write_config(self) -> Path:
        template = resources.files(__package__).joinpath("server.properties").read_text()
        text = Template(template).substitute(
            node_id=1,
            broker_port=self.port,
            controller_port=self.controller_port,
            log_dirs=self.data_dir / "kraft",
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

    def _format(self, java: str, libs: Path, config: Path) -> None:
        """`kafka-storage format --standalone`: a one-voter dynamic KRaft quorum."""
        cluster_id = _random_cluster_id()
        cmd = self._jvm_args(java, libs, "256m") + [
            _FORMAT_MAIN, "format", "--standalone", "--ignore-formatted",
            "--cluster-id", cluster_id, "--config", str(config),
        ]  # fmt: skip
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
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        if not self._atexit_registered:
            atexit.register(self._terminate)
            self._atexit_registered = True

    def _wait_ready(self) -> None:
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
                probe(_HOST, int(self.port or 0), timeout=2.0)
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


def _port_is_free(port: int) -> bool:
    """True if 127.0.0.1:port can be bound now (SO_REUSEADDR, as the JVM binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_HOST, port))
        except OSError:
            return False
    return True


def _previous_ports(config: Path) -> tuple[int, int] | None:
    """(broker, controller) ports from a server.properties this class wrote earlier."""
    if not config.is_file():
        return None
    for line in config.read_text().splitlines():
        if line.startswith("listeners="):
            ports = [int(part.rsplit(":", 1)[1]) for part in line.split("=", 1)[1].split(",")]
            return (ports[0], ports[1]) if len(ports) == 2 else None
    return None


def _random_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 chars)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
