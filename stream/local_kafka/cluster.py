"""A real 3-node Apache Kafka cluster on loopback: what failover tests need.

Each node is a `LocalKafkaBroker` in combined mode (broker + controller in one
JVM), all voters of one static KRaft quorum (`controller.quorum.voters`), so
losing any one node keeps both the quorum and a two-replica ISR:

    with LocalKafkaCluster() as cluster:          # 3 nodes, formatted and started
        cluster.bootstrap                          # "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3"
        victim = cluster.node(cluster.quorum_leader())
        victim.kill()                              # SIGKILL; ports and data kept
        victim.start()                             # back, same ports, catches up

Internal topics (`__consumer_offsets`, transactions) get 3 replicas and
min ISR 2; the app's topics name their own replication factor and
`min.insync.replicas` (settings). Every node formats its storage with the same
cluster id, made as Kafka's `Uuid.randomUuid()` makes it (`cluster_id.py`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from nieuwsstroom.stream.local_kafka.broker import LocalKafkaBroker
from nieuwsstroom.stream.local_kafka.cluster_id import random_cluster_id
from nieuwsstroom.stream.local_kafka.errors import BrokerError
from nieuwsstroom.stream.local_kafka.listeners import ListenerSecurity
from nieuwsstroom.stream.local_kafka.ports import HOST, distinct_free_ports


class LocalKafkaCluster:
    """`nodes` combined KRaft nodes on 127.0.0.1 with static voters; a context manager."""

    def __init__(
        self,
        nodes: int = 3,
        *,
        data_dir: str | Path | None = None,
        cache_dir: str | Path | None = None,
        security: ListenerSecurity | None = None,
        heap: str = "384m",
        start_timeout: float = 180.0,
        extra_properties: Mapping[str, str] | None = None,
    ) -> None:
        if nodes < 1:
            raise BrokerError(f"a cluster needs at least one node, got {nodes}")
        self.size = nodes
        self._owns_data_dir = data_dir is None
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self._cache_dir = cache_dir
        self.security = security or ListenerSecurity()
        self.heap = heap
        self.start_timeout = start_timeout
        self.extra_properties = dict(extra_properties or {})
        self.cluster_id: str | None = None
        self.nodes: list[LocalKafkaBroker] = []

    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            raise BrokerError("the cluster has no data dir yet: call start() first")
        return self._data_dir

    @property
    def bootstrap(self) -> str:
        """Every node's client listener, comma-separated (clients need only one to answer)."""
        if not self.nodes:
            raise BrokerError("the cluster has not been started: call start() first")
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> LocalKafkaBroker:
        """The node with this `node.id` (1..size)."""
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise BrokerError(f"no node {node_id} in this cluster (nodes 1..{self.size})")

    def client_env(self, **kwargs: str) -> dict[str, str]:
        """NIEUWSSTROOM_KAFKA_* variables for a client (see LocalKafkaBroker.client_env)."""
        return self.nodes[0].client_env(**kwargs)

    def start(self) -> str:
        """Format (first time) and start every node, then wait until each serves."""
        if not self.nodes:
            self._create_nodes()
        for node in self.nodes:
            node.launch()  # none can serve before a quorum of them runs
        for node in self.nodes:
            node.wait_ready()
        return self.bootstrap

    def _create_nodes(self) -> None:
        if self._data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="nieuwsstroom-kafka-cluster-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        per_node = 3 if self.security.secured else 2
        ports = distinct_free_ports(per_node * self.size)
        controller_ports = ports[self.size : 2 * self.size]
        voters = ",".join(f"{i + 1}@{HOST}:{port}" for i, port in enumerate(controller_ports))
        self.cluster_id = random_cluster_id()
        pki = None
        if self.security.tls:
            from nieuwsstroom.stream.local_kafka.certs import write_test_pki

            pki = write_test_pki(self.data_dir / "tls")
        for i in range(self.size):
            self.nodes.append(
                LocalKafkaBroker(
                    node_id=i + 1,
                    port=ports[i],
                    controller_port=controller_ports[i],
                    internal_port=ports[2 * self.size + i] if self.security.secured else 0,
                    data_dir=self.data_dir / f"node-{i + 1}",
                    cache_dir=self._cache_dir,
                    quorum_voters=voters,
                    cluster_id=self.cluster_id,
                    internal_replicas=min(self.size, 3),
                    security=self.security,
                    pki=pki,
                    heap=self.heap,
                    start_timeout=self.start_timeout,
                    extra_properties=self.extra_properties,
                )
            )

    def quorum_leader(self) -> int | None:
        """The node id that leads the KRaft quorum, as the running nodes last recorded it
        (each writes `quorum-state` on every election); None if none knows one."""
        best: tuple[int, int] | None = None
        for node in self.nodes:
            if not node.is_running:
                continue
            path = node.data_dir / "kraft" / "__cluster_metadata-0" / "quorum-state"
            try:
                state = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            leader, epoch = int(state.get("leaderId", -1)), int(state.get("leaderEpoch", -1))
            if leader >= 0 and (best is None or epoch > best[1]):
                best = (leader, epoch)
        return best[0] if best else None

    def stop(self) -> None:
        """Stop every node (SIGTERM, SIGKILL after their stop timeout); delete a temp dir.

        All at once: stopped one by one, the last nodes would wait for a quorum that the
        first ones took away."""
        with ThreadPoolExecutor(max_workers=max(len(self.nodes), 1)) as pool:
            list(pool.map(lambda node: node.stop(), self.nodes))
        if self._owns_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None
            self.nodes = []

    def __enter__(self) -> LocalKafkaCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
