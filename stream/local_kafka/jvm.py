"""The Kafka JVM as a child process: its command lines, the storage format, start and stop.

The server runs in its own process group, so a Ctrl-C meant for Python does not
kill it half-way and a stop can signal it and any child at once; on Linux the
kernel sends it SIGTERM if the thread that started it dies
(`nieuwsstroom.stream.process.parent_death`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.process.parent_death import die_with_parent

FORMAT_MAIN = "kafka.tools.StorageTool"  # what bin/kafka-storage.sh runs in Kafka 4.x
SERVER_MAIN = "kafka.Kafka"  # what bin/kafka-server-start.sh runs


def jvm_args(java: str, libs: Path, data_dir: Path, heap: str) -> list[str]:
    """`java ... -cp libs/*` with the heap, G1 and the node's log folder and Log4j config."""
    return [
        java, f"-Xmx{heap}", "-Xms64m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={data_dir / 'logs'}",
        f"-Dlog4j2.configurationFile={data_dir / 'log4j2.properties'}",
        "-cp", f"{libs}/*",
    ]  # fmt: skip


def format_command(
    java: str,
    libs: Path,
    data_dir: Path,
    config: Path,
    *,
    cluster_id: str,
    standalone: bool,
    extra: list[str],
) -> list[str]:
    """`kafka-storage format` of `config`'s log dirs as cluster `cluster_id`.

    The id goes in as `--cluster-id=ID`, which argparse4j reads even when ID starts
    with '-'. `standalone` formats a one-voter dynamic quorum; `extra` carries the
    listener security's arguments (SCRAM users).
    """
    cmd = jvm_args(java, libs, data_dir, "256m") + [
        FORMAT_MAIN, "format", "--ignore-formatted",
        f"--cluster-id={cluster_id}", "--config", str(config),
    ]  # fmt: skip
    if standalone:
        cmd.append("--standalone")
    return cmd + extra


def format_storage(cmd: list[str], data_dir: Path) -> None:
    """Run a format command; raise with its output if it fails."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode != 0:
        raise BrokerError(
            f"formatting KRaft storage in {data_dir / 'kraft'} failed "
            f"(exit {proc.returncode}):\n{(proc.stdout + proc.stderr).strip()[-3000:]}"
        )


def start_server(
    java: str, libs: Path, data_dir: Path, config: Path, heap: str
) -> subprocess.Popen[bytes]:
    """Start `kafka.Kafka config` with stdout and stderr appended to `logs/jvm.out`."""
    cmd = jvm_args(java, libs, data_dir, heap) + [SERVER_MAIN, str(config)]
    with open(data_dir / "logs" / "jvm.out", "ab") as out:
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=data_dir,
            start_new_session=True,  # own process group: Ctrl-C in Python does not reach it
            preexec_fn=die_with_parent(signal.SIGTERM),  # None where not Linux
        )


def stop_process_group(
    proc: subprocess.Popen[bytes] | None, *, graceful: bool, timeout: float
) -> None:
    """Signal the JVM's whole process group (SIGTERM, or SIGKILL when not `graceful`);
    escalate to SIGKILL once `timeout` (10 s for SIGKILL) has passed."""
    if proc is None or proc.poll() is not None:
        return
    sig = signal.SIGTERM if graceful else signal.SIGKILL
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout if graceful else 10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
