"""Maximum flow (Dinic's algorithm) on a small graph, for the capacity side of the bounds."""

from __future__ import annotations

from collections import deque


class FlowNetwork:
    """Nodes are 0..n-1; arcs carry integer capacities."""

    def __init__(self, n_nodes: int) -> None:
        self.heads: list[int] = []  # arc i goes to heads[i]; arc i ^ 1 is its reverse
        self.room: list[int] = []
        self.arcs_of: list[list[int]] = [[] for _ in range(n_nodes)]

    def add_arc(self, tail: int, head: int, capacity: int) -> None:
        for start, end, room in ((tail, head, capacity), (head, tail, 0)):
            self.arcs_of[start].append(len(self.heads))
            self.heads.append(end)
            self.room.append(room)

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            level = self._levels(source)
            if level[sink] < 0:
                return total
            next_arc = [0] * len(self.arcs_of)
            while pushed := self._push(source, sink, 1 << 62, level, next_arc):
                total += pushed

    def _levels(self, source: int) -> list[int]:
        level = [-1] * len(self.arcs_of)
        level[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for arc in self.arcs_of[node]:
                head = self.heads[arc]
                if self.room[arc] > 0 and level[head] < 0:
                    level[head] = level[node] + 1
                    queue.append(head)
        return level

    def _push(self, node: int, sink: int, limit: int, level: list[int], next_arc: list[int]) -> int:
        # Augmenting paths alternate between the two sides of a bipartite graph without
        # repeating a node, so the recursion is no deeper than twice the smaller side.
        if node == sink:
            return limit
        arcs = self.arcs_of[node]
        while next_arc[node] < len(arcs):
            arc = arcs[next_arc[node]]
            head = self.heads[arc]
            if self.room[arc] > 0 and level[head] == level[node] + 1:
                pushed = self._push(head, sink, min(limit, self.room[arc]), level, next_arc)
                if pushed:
                    self.room[arc] -= pushed
                    self.room[arc ^ 1] += pushed
                    return pushed
            next_arc[node] += 1
        return 0
