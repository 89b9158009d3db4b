/// CRC-32C (Castagnoli): the checksum BEP 42 derives node-ID prefixes from.
///
/// The reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF (RFC 3720's iSCSI
/// CRC), computed a byte at a time from a 256-entry table. Feed bytes with `update`, read `value`
/// at any point; the check value of "123456789" is 0xE3069283.
public struct CRC32C: Sendable, Equatable {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    private static let table: [UInt32] = (0..<256).map { index in
        var remainder = UInt32(index)
        for _ in 0..<8 {
            remainder = remainder & 1 == 1 ? (remainder >> 1) ^ polynomial : remainder >> 1
        }
        return remainder
    }

    private var register: UInt32 = 0xFFFF_FFFF

    /// A checksum of no bytes yet.
    public init() {}

    /// The checksum of the bytes fed so far.
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    /// Feeds one byte.
    @inline(__always)
    public mutating func update(_ byte: UInt8) {
        register = Self.table[Int((register ^ UInt32(byte)) & 0xff)] ^ (register >> 8)
    }

    /// Feeds bytes in order.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { update(byte) }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}
