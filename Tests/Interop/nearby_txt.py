#!/usr/bin/env python3
"""Writes a peerdex nearby advertisement's TXT strings, made independently of peerdex's Swift code
from docs/NEARBY.md alone, for the interoperability tests to publish with python-zeroconf.

  nearby_txt.py --identity <data-dir>/identity.key --seq N --port P [--name NAME] [--forge]

Prints one KEY=VALUE per line (v, id, seq, port, [n], sig), ready for zeroconf_peer.py's --txt.
With --forge the signature is made with a fresh random key while `id` still names the identity's
key: what an impostor would publish, which peerdex must drop.
"""

import argparse
import base64
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DOMAIN = b"peerdex-nearby-v1"
VERSION = 1


def crc24(data):
    """OpenPGP's CRC-24 (RFC 4880 §6.1), the peer ID's checksum."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def base32(data):
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def peer_id(public_key):
    return base32(public_key + crc24(public_key).to_bytes(3, "big"))


def signing_key(identity_path):
    """The Ed25519 seed of an identity.key (version 2 text, or version 1's raw 32 bytes)."""
    raw = open(identity_path, "rb").read()
    if len(raw) == 32:
        return Ed25519PrivateKey.from_private_bytes(raw)
    for line in raw.decode("utf-8").splitlines():
        key, _, value = line.strip().partition(" ")
        if key == "ed25519-seed":
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(value))
    raise SystemExit(f"{identity_path}: no ed25519-seed line")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--identity", required=True)
    parser.add_argument("--seq", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name")
    parser.add_argument("--forge", action="store_true")
    arguments = parser.parse_args()

    owner = signing_key(arguments.identity)
    public_key = owner.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signer = Ed25519PrivateKey.generate() if arguments.forge else owner
    name = (arguments.name or "").encode("utf-8")
    signed = (
        DOMAIN + b"\x00" + bytes([VERSION]) + public_key + struct.pack(">QH", arguments.seq, arguments.port)
        + bytes([len(name)]) + name
    )
    lines = [f"v={VERSION}", f"id={peer_id(public_key)}", f"seq={arguments.seq}", f"port={arguments.port}"]
    if name:
        lines.append(f"n={arguments.name}")
    lines.append(f"sig={base32(signer.sign(signed))}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
