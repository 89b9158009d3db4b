#!/usr/bin/env python3
"""An independent peerdex client for the interoperability tests: dials a real `peerdex node`
over TCP and speaks docs/PROTOCOL.md with libraries we did not write: `noiseprotocol` for
Noise_XX_25519_ChaChaPoly_SHA256, `cryptography` for Ed25519, and Google's `protobuf` with
code that protoc generated from Proto/peerdex/v1/peerdex.proto.

    noise_tcp_client.py HOST PORT GENERATED_DIR

GENERATED_DIR holds `peerdex/v1/peerdex_pb2.py` (protoc --python_out). Prints one JSON object:
the node's proven identity key, the PONG's fields and the answer to a message type it cannot
know, or `{"error": ...}` and exits 1.
"""
import json
import socket
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization
from noise.connection import Keypair, NoiseConnection

CONTEXT = b"peerdex-noise-static-key:"


def raw(key):
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def send_frame(sock, data):
    sock.sendall(struct.pack(">H", len(data)) + data)


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError("the node closed the connection")
        data += chunk
    return data


def read_frame(sock):
    (length,) = struct.unpack(">H", read_exactly(sock, 2))
    return read_exactly(sock, length)


def main():
    host, port, generated = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.path.insert(0, generated)
    from peerdex.v1 import peerdex_pb2 as wire

    identity = Ed25519PrivateKey.generate()
    static = X25519PrivateKey.generate()
    static_private = static.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())

    noise = NoiseConnection.from_name(b"Noise_XX_25519_ChaChaPoly_SHA256")
    noise.set_as_initiator()
    noise.set_keypair_from_private_bytes(Keypair.STATIC, static_private)
    noise.set_prologue(b"peerdex/1")
    noise.start_handshake()
    state = noise.noise_protocol.handshake_state  # dropped by the library when the handshake ends

    sock = socket.create_connection((host, port), timeout=5)
    send_frame(sock, noise.write_message(b""))                     # message 1: e, empty payload
    theirs = wire.HandshakePayload.FromString(bytes(noise.read_message(read_frame(sock))))  # message 2
    remote_static = bytes(state.rs.public_bytes)
    Ed25519PublicKey.from_public_bytes(theirs.identity_key).verify(theirs.identity_sig, CONTEXT + remote_static)

    ours = wire.HandshakePayload(
        identity_key=raw(identity.public_key()),
        identity_sig=identity.sign(CONTEXT + raw(static.public_key())),
        protocol_version=1)
    send_frame(sock, noise.write_message(ours.SerializeToString()))  # message 3
    assert noise.handshake_finished

    def ask(envelope_bytes):
        send_frame(sock, noise.encrypt(envelope_bytes))
        return wire.Envelope.FromString(bytes(noise.decrypt(read_frame(sock))))

    pong = ask(wire.Envelope(version=1, request_id=7, kind=wire.KIND_REQUEST, ping=wire.Ping()).SerializeToString())
    # Field 99 (a nested message): a body from a schema newer than the node's.
    newer = ask(wire.Envelope(version=1, request_id=8, kind=wire.KIND_REQUEST).SerializeToString()
                + bytes([0x9A, 0x06, 0x02, 0x08, 0x01]))
    after = ask(wire.Envelope(version=1, request_id=9, ping=wire.Ping()).SerializeToString())
    print(json.dumps({
        "identityKey": theirs.identity_key.hex(),
        "protocolVersion": theirs.protocol_version,
        "pong": {"requestId": pong.request_id, "kind": pong.kind, "which": pong.WhichOneof("body"),
                 "load": pong.pong.load, "agent": pong.pong.agent, "capabilities": list(pong.pong.capabilities)},
        "newer": {"requestId": newer.request_id, "which": newer.WhichOneof("body"), "code": newer.error.code},
        "after": {"requestId": after.request_id, "which": after.WhichOneof("body")},
    }))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report whatever failed, as one line
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)
