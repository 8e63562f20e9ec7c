"""Waiting for a freshly started node to serve clients, and what to show when it does not.

A KRaft node opens its port before it has caught up with the metadata log, so
"ready" means the probe (`probe.py`) got Metadata listing a broker. A JVM that
exits, or a node that stays silent, is reported with the tail of its logs.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.ports import HOST
from nieuwsstroom.stream.local_kafka.probe import probe


def log_tail(data_dir: Path, lines: int = 40) -> str:
    """Last lines of the broker log and of the JVM's stdout/stderr, for error messages."""
    parts = []
    for path in (data_dir / "logs" / "server.log", data_dir / "logs" / "jvm.out"):
        if path.is_file():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} (tail) ---\n" + "\n".join(text))
    return "\n".join(parts) or "(no broker log was written)"


def wait_until_serving(
    proc: subprocess.Popen[bytes] | None,
    probe_port: int,
    *,
    bootstrap: str,
    timeout: float,
    data_dir: Path,
    on_timeout: Callable[[], None],
) -> None:
    """Block until the node on `probe_port` serves Metadata.

    Raise `BrokerError` with the log tail if the JVM exits first, or after calling
    `on_timeout` (the broker kills the JVM there) when `timeout` seconds pass.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if proc is None or proc.poll() is not None:
            code = proc.returncode if proc else None
            raise BrokerError(
                f"the Kafka JVM exited with code {code} before it served clients.\n"
                + log_tail(data_dir)
            )
        try:
            probe(HOST, probe_port, timeout=2.0)
            return
        except (OSError, ConnectionError) as exc:
            last_error = exc
            time.sleep(0.25)
    on_timeout()
    raise BrokerError(
        f"Kafka did not answer on {bootstrap} within {timeout:.0f} s "
        f"(last error: {last_error}); raise start_timeout on a busy machine.\n" + log_tail(data_dir)
    )
