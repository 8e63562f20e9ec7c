"""Loopback ports for local broker nodes: pick free ones, check them, find the ones used last.

A kept data directory reuses the ports its `server.properties` names when they are
still free, so clients that knew the broker find it again after a restart.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from pathlib import Path

from nieuwsstroom.stream.local_kafka.errors import BrokerError

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if 127.0.0.1:port can be bound now (SO_REUSEADDR, as the JVM binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def distinct_free_ports(count: int, taken: set[int] | None = None) -> list[int]:
    """`count` different free ports, none of them in `taken`."""
    ports: list[int] = []
    avoid = set(taken or ())
    while len(ports) < count:
        port = free_port()
        if port not in avoid:
            avoid.add(port)
            ports.append(port)
    return ports


def previous_ports(config: Path) -> dict[str, int]:
    """{listener name: port} from a server.properties written earlier ({} if none)."""
    if not config.is_file():
        return {}
    for line in config.read_text().splitlines():
        if line.startswith("listeners="):
            ports = {}
            for listener in line.split("=", 1)[1].split(","):
                name, address = listener.split("://", 1)
                ports[name] = int(address.rsplit(":", 1)[1])
            return ports
    return {}


def choose_ports(
    requested: tuple[int, int, int], config: Path, *, secured: bool
) -> tuple[int, int | None, int]:
    """(client, internal, controller) ports of a node: the `requested` ones (0: any),
    else those the `config` written last time named (if all are still free), else new.
    A node without security has no INTERNAL listener (None)."""
    client, internal, controller = requested
    previous = previous_ports(config)
    names = ("CLIENT", "INTERNAL") if secured else ("PLAINTEXT",)
    if not client and previous and all(port_is_free(p) for p in previous.values()):
        client = previous.get(names[0], 0)
        internal = internal or previous.get("INTERNAL", 0)
        controller = controller or previous.get("CONTROLLER", 0)
    wanted = [client, controller] + ([internal] if secured else [])
    fresh = iter(distinct_free_ports(wanted.count(0), {p for p in wanted if p}))
    client = client or next(fresh)
    controller = controller or next(fresh)
    return client, (internal or next(fresh)) if secured else None, controller


def check_ports_free(ports: Iterable[int]) -> None:
    """Raise `BrokerError` naming the first of `ports` that something else holds."""
    for port in ports:
        if not port_is_free(port):
            raise BrokerError(
                f"port {HOST}:{port} is taken; pick another with port=... "
                "(`nieuwsstroom broker --port N`) or 0 for a free one"
            )
