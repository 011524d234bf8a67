"""How the server's Socket.IO messages go on the wire: what python-socketio and the websocket
library do per message and per socket, tuned for a room of 1,000 phones on one process."""

from __future__ import annotations

import zlib
from typing import Any

import simple_websocket.ws
from socketio.packet import Packet
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import Opcode

# The compressor of each websocket keeps its state for the socket's life. zlib's default
# (a 32 KB window, memLevel 8, level 6) is 256 KB per phone, 256 MB at 1,000 phones, and
# deflating every push at level 6 was half of the time the server spent sending a round
# change. A push is about 5 KB of JSON: an 8 KB window and level 1 compress the pushes of a
# 1,000-person workshop 6% less well (1,151 vs 1,085 bytes), in two thirds of the time and a
# quarter of the memory. Phones need no change: a window smaller than
# the one agreed is always allowed (RFC 7692, 7.1.2.1).
WINDOW_BITS = 13
MEM_LEVEL = 6
LEVEL = 1


class TextPacket(Packet):
    """A packet that is never binary.

    python-socketio walks every outgoing payload to look for bytes. The walk builds a list at
    every level and never stops early: it took a tenth of a round change at 1,000 phones, and
    longer for the facilitator's state. cocreate sends only JSON. Bytes in a payload would make
    the JSON encoder raise, so nothing is sent wrongly.
    """

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        return False


class LeanDeflate(PerMessageDeflate):
    """permessage-deflate with the smaller, faster compressor described above."""

    def frame_outbound(
        self, proto: Any, opcode: Opcode, rsv: Any, data: bytes, fin: bool
    ) -> tuple[Any, bytes]:
        if self._compressor is None and opcode in (Opcode.TEXT, Opcode.BINARY):
            bits = self.client_max_window_bits if proto.client else self.server_max_window_bits
            self._compressor = zlib.compressobj(
                LEVEL, zlib.DEFLATED, -min(int(bits), WINDOW_BITS), MEM_LEVEL
            )
        return super().frame_outbound(proto, opcode, rsv, data, fin)


def use_lean_deflate() -> None:
    """simple-websocket (the gevent and threading workers' websockets) names the extension it
    offers at each handshake; this makes it offer LeanDeflate. The eventlet worker has
    websockets of its own, left as they are."""
    simple_websocket.ws.PerMessageDeflate = LeanDeflate
