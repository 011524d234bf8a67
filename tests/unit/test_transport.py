"""The websocket compression the server uses for 1,000 phones (cocreate/live/transport.py):
smaller and faster than zlib's default, and still what any permessage-deflate client reads."""

from __future__ import annotations

import json
import zlib

import simple_websocket.ws
from wsproto.frame_protocol import FrameProtocol, Opcode, RsvBits

from cocreate.live.transport import LeanDeflate, TextPacket, use_lean_deflate


def pushes() -> list[bytes]:
    return [
        json.dumps(
            {"v": v, "notes": [{"id": i, "text": f"Bænke ved søen {i * v}"} for i in range(40)]},
            ensure_ascii=False,
        ).encode()
        for v in range(1, 6)
    ]


def test_what_lean_deflate_sends_inflates_with_a_clients_full_window() -> None:
    extension = LeanDeflate()
    server = FrameProtocol(client=False, extensions=[extension])
    inflater = zlib.decompressobj(-15)  # a browser's window: the most the protocol allows
    for push in pushes():  # one context across messages, as on a live socket
        rsv, data = extension.frame_outbound(
            server, Opcode.TEXT, RsvBits(False, False, False), push, True
        )
        assert rsv.rsv1  # marked compressed
        assert len(data) < len(push) / 3
        assert inflater.decompress(data + b"\x00\x00\xff\xff") == push


def test_simple_websocket_offers_lean_deflate_at_the_handshake() -> None:
    use_lean_deflate()
    assert simple_websocket.ws.PerMessageDeflate is LeanDeflate


def test_packets_skip_the_search_for_bytes_and_encode_as_json() -> None:
    packet = TextPacket(2, data=["table_state", {"v": 3, "view": {"notes": [{"id": 1}]}}])
    assert packet.attachment_count == 0
    assert packet.encode() == '2["table_state",{"v":3,"view":{"notes":[{"id":1}]}}]'
