"""Fetch Apache Kafka's jars from Maven Central into a cache directory, once.

Why Maven and not the binary tarball: the machines this project runs on reach
package registries only, and Maven Central serves `org.apache.kafka:kafka_2.13`
with all its runtime dependencies. `pom.xml` beside this module names them;
Maven copies them into `<cache>/kafka-<version>/libs`, and the broker runs with
`java -cp 'libs/*'`, exactly as `bin/kafka-server-start.sh` would.

The fetch is idempotent (a marker file records a complete copy), fast when
cached (no Maven run, no lock), and serialised across processes with a file
lock so that two test sessions starting at once do not fetch into one folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from nieuwsstroom.stream.local_kafka.errors import BrokerError

#: The Kafka version this project verified (see stream/local_kafka/README.md).
KAFKA_VERSION = "4.1.1"
#: Marker written after a complete copy; its absence means "fetch again".
_COMPLETE_MARKER = ".complete"
#: Jars that must be present for the broker and the storage tool to run.
_REQUIRED_PREFIXES = (
    "kafka_2.13-",
    "kafka-clients-",
    "kafka-storage-",
    "log4j-core-",
    "scala-library-",
)


def default_cache_dir() -> Path:
    """The shared cache (`$XDG_CACHE_HOME/nieuwsstroom/kafka`), same root as stream.settings."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nieuwsstroom" / "kafka"


def kafka_home(cache_dir: Path, version: str = KAFKA_VERSION) -> Path:
    """Folder holding `libs/` for one Kafka version inside the cache."""
    return cache_dir / f"kafka-{version}"


def find_java() -> str:
    """Path of `java`, preferring $JAVA_HOME, with the install hint if there is none."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise BrokerError(
            "`java` was not found on PATH (and $JAVA_HOME is not set): Kafka 4.x needs Java 17 "
            "or newer. Install it, e.g. `apt-get install openjdk-17-jre-headless`."
        )
    return java


def ensure_jars(cache_dir: Path | None = None, version: str = KAFKA_VERSION) -> Path:
    """Return `<cache>/kafka-<version>/libs`, fetching it with Maven if not cached yet."""
    home = kafka_home(cache_dir or default_cache_dir(), version)
    libs = home / "libs"
    if _is_complete(home):
        return libs
    home.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(home.parent / f"kafka-{version}.lock"):
        if _is_complete(home):  # another process fetched while we waited for the lock
            return libs
        _fetch(home, version)
    return libs


def _is_complete(home: Path) -> bool:
    libs = home / "libs"
    return (home / _COMPLETE_MARKER).is_file() and libs.is_dir() and _is_complete_libs(libs)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Exclusive advisory lock, released when the block ends (or the process dies)."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fetch(home: Path, version: str) -> None:
    """Run Maven into a temporary folder, then move it into place (never half a libs/)."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError(
            "`mvn` (Apache Maven) was not found on PATH: it fetches Kafka's jars from Maven "
            "Central. Install it, e.g. `apt-get install maven`, or put a complete Kafka "
            f"{version} libs/ folder at {home / 'libs'} and create {home / _COMPLETE_MARKER}."
        )
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="libs.fetching-", dir=home))
    try:
        with resources.as_file(resources.files(__package__) / "pom.xml") as pom:
            cmd = [
                mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
                f"-Dkafka.version={version}",
            ]  # fmt: skip
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise BrokerError(
                f"Maven could not fetch Apache Kafka {version} (exit {proc.returncode}). Check "
                "that Maven Central (or a mirror in ~/.m2/settings.xml) is reachable and that "
                f"the version exists. Command: {' '.join(cmd)}\n--- Maven output (tail) ---\n{tail}"
            )
        libs = home / "libs"
        if libs.exists():
            shutil.rmtree(libs)
        staging.rename(libs)
        if not _is_complete_libs(libs):
            raise BrokerError(
                f"Maven finished but {libs} lacks one of Kafka's core jars {_REQUIRED_PREFIXES}"
            )
        (home / _COMPLETE_MARKER).write_text(version + "\n")
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _is_complete_libs(libs: Path) -> bool:
    names = [p.name for p in libs.iterdir()]
    return all(any(n.startswith(prefix) for n in names) for prefix in _REQUIRED_PREFIXES)
