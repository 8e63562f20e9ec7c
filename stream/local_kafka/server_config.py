"""What a local node's `server.properties` and `log4j2.properties` say.

The broker hands in what it decided (ports, quorum, security, replication) and
gets back the path of the file its JVM reads; the template itself is
`server.properties` beside this module (`string.Template` placeholders).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity
from nieuwsstroom.stream.local_kafka.ports import HOST

if TYPE_CHECKING:
    from nieuwsstroom.stream.local_kafka.certs import TestPki


def node_properties(
    security: ListenerSecurity,
    pki: TestPki | None,
    *,
    client_port: int,
    internal_port: int | None,
    controller_port: int,
    quorum_voters: str | None,
) -> dict[str, str]:
    """The listener, quorum and security lines of one node."""
    props = security.listener_properties(
        client_port=client_port, internal_port=internal_port, controller_port=controller_port
    )
    if quorum_voters:  # a static quorum, as a cluster of fixed nodes has
        props["controller.quorum.voters"] = quorum_voters
    else:  # a dynamic quorum of one voter (`format --standalone`)
        props["controller.quorum.bootstrap.servers"] = f"{HOST}:{controller_port}"
    return props | security.security_properties(pki)


def write_server_config(
    data_dir: Path,
    *,
    node_id: int,
    properties: Mapping[str, str],
    internal_replicas: int,
    auto_create_topics: bool,
    extra_properties: Mapping[str, str],
) -> Path:
    """Write `server.properties` and `log4j2.properties` into `data_dir`; return the first."""
    template = resources.files(__package__).joinpath("server.properties").read_text()
    text = Template(template).substitute(
        node_id=node_id,
        node_lines="\n".join(f"{k}={v}" for k, v in properties.items()),
        log_dirs=data_dir / "kraft",
        internal_replicas=internal_replicas,
        internal_min_isr=min(internal_replicas, 2),
        auto_create_topics=str(auto_create_topics).lower(),
    )
    if extra_properties:
        extra = "".join(f"{k}={v}\n" for k, v in extra_properties.items())
        text += "\n# extra_properties given to LocalKafkaBroker\n" + extra
    config = data_dir / "server.properties"
    config.write_text(text)
    log4j = resources.files(__package__).joinpath("log4j2.properties").read_text()
    (data_dir / "log4j2.properties").write_text(log4j)
    return config
