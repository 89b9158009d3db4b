#!/usr/bin/env python3
"""An independent Noise peer for peerdex's interoperability tests.

Runs one side of Noise_XX_25519_ChaChaPoly_SHA256 with the `noiseprotocol` package (a Python
implementation we did not write) over stdin/stdout, one hex-encoded message per line:

    noise_peer.py initiator|responder STATIC_PRIVATE_HEX PROLOGUE

After the handshake it prints `remote <static key hex>` and `hash <handshake hash hex>`, then
answers each transport message it receives with "pong:" + the message, encrypted, until stdin
closes.
"""
import sys

from noise.connection import Keypair, NoiseConnection


def read_line():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return bytes.fromhex(line.strip())


def write_line(data):
    sys.stdout.write(data.hex() + "\n")
    sys.stdout.flush()


def main():
    role, static_hex, prologue = sys.argv[1], sys.argv[2], sys.argv[3]
    noise = NoiseConnection.from_name(b"Noise_XX_25519_ChaChaPoly_SHA256")
    if role == "initiator":
        noise.set_as_initiator()
    else:
        noise.set_as_responder()
    noise.set_keypair_from_private_bytes(Keypair.STATIC, bytes.fromhex(static_hex))
    noise.set_prologue(prologue.encode())
    noise.start_handshake()
    writing = role == "initiator"
    index = 0
    # The library drops its handshake state when the handshake ends; keep it to read `rs`.
    state = noise.noise_protocol.handshake_state
    while not noise.handshake_finished:
        if writing:
            write_line(noise.write_message(f"python {index}".encode()))
        else:
            payload = noise.read_message(read_line())
            sys.stderr.write(f"payload {payload!r}\n")
        writing = not writing
        index += 1
    remote = state.rs.public_bytes
    sys.stdout.write(f"remote {remote.hex()}\nhash {noise.get_handshake_hash().hex()}\n")
    sys.stdout.flush()
    while True:
        message = noise.decrypt(read_line())
        write_line(noise.encrypt(b"pong:" + message))


if __name__ == "__main__":
    main()
