"""Loopback ports for local broker nodes: pick free ones, check them, find the ones used last.

A kept data directory reuses the ports its `server.properties` names when they are
still free, so clients that knew the broker find it again after a restart.
"""

from __future__ import annotations

import socket
from pathlib import Path

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
