import Crypto

@testable import PeerdexCore

/// Keys, items and addresses shared by the BEP 44 item and store tests.
enum DHTItemFixtures {
    /// Bytes from hexadecimal written in a test (spaces allowed); traps on a typo in the test.
    static func bytes(_ hex: String) -> [UInt8] {
        HexBytes.decode(hex.filter { !$0.isWhitespace })!
    }

    /// The Ed25519 key whose 32-byte seed is `seed` repeated.
    static func key(seed: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
    }

    /// A mutable item signed by `key(seed:)`.
    static func mutable(
        _ text: String, seq: Int64, salt: String = "", seed: UInt8 = 7
    ) -> MutableItem {
        try! MutableItem.sign(value: .string(text), seq: seq, salt: Array(salt.utf8), with: key(seed: seed))
    }

    /// An immutable item holding `text`.
    static func immutable(_ text: String) -> ImmutableItem {
        try! ImmutableItem(value: .string(text))
    }

    /// A public IPv4 address in TEST-NET-3 (203.0.113.0/24).
    static func ipv4(_ last: UInt8) -> IPAddress { .v4(0xCB00_7100 | UInt32(last)) }

    /// A public IPv6 address in 2001:db8::/32, `net` choosing the /64 and `host` the rest.
    static func ipv6(net: UInt64, host: UInt64) -> IPAddress { .v6(0x2001_0DB8_0000_0000 | net, host) }
}
