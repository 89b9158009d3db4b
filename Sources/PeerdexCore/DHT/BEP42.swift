/// BEP 42 (DHT security extension): node IDs tied to the node's external IP address.
///
/// The first 21 bits of a compliant ID are the top bits of CRC-32C over the masked address (the
/// first 4 bytes of IPv4 masked with 03 0f 3f ff, the first 8 of IPv6 with 01 03 07 0f 1f 3f 7f
/// ff) whose first byte carries `r` (the low 3 bits of the ID's last byte) in its top 3 bits. An
/// attacker can then pick only 8 IDs per address, so it cannot place itself next to any target.
///
/// The rule is meant for public addresses: `applies(to:)` is false for local ones (loopback,
/// private, link-local...), whose IDs are never checked.
public enum BEP42 {
    /// How many leading bits of a node ID the address determines.
    public static let checkedBitCount = 21

    private static let ipv4Mask: UInt32 = 0x030f_3fff
    private static let ipv6Mask: UInt64 = 0x0103_070f_1f3f_7fff

    /// Whether IDs from `ip` should be checked: only public addresses are.
    public static func applies(to ip: IPAddress) -> Bool { !ip.isLocal }

    /// Whether `nodeID` is compliant for `ip`: its first 21 bits match the prefix computed from
    /// `ip` and the `r` in its last byte. A pure check: callers exempt local addresses.
    public static func isValid(nodeID: NodeID, for ip: IPAddress) -> Bool {
        let rand = UInt8(truncatingIfNeeded: nodeID.low)
        let expected = prefix(for: ip, rand: rand)
        let topMask: UInt32 = ~(UInt32.max >> UInt32(checkedBitCount))
        return UInt32(truncatingIfNeeded: nodeID.high >> 32) & topMask == expected & topMask
    }

    /// A compliant node ID for `ip`: 21 bits from the address and `rand`, the last byte `rand`,
    /// every other bit taken from `randomBits`.
    public static func nodeID(for ip: IPAddress, rand: UInt8, randomBits: NodeID) -> NodeID {
        let topMask: UInt64 = ~(UInt64.max >> UInt64(checkedBitCount))
        let prefixBits = UInt64(prefix(for: ip, rand: rand)) << 32
        return NodeID(
            high: (prefixBits & topMask) | (randomBits.high & ~topMask),
            middle: randomBits.middle,
            low: (randomBits.low & 0xffff_ff00) | UInt32(rand))
    }

    /// CRC-32C of the masked address with `rand`'s low 3 bits in the top of its first byte; the
    /// top 21 bits are an ID's required prefix.
    public static func prefix(for ip: IPAddress, rand: UInt8) -> UInt32 {
        let r = UInt64(rand & 0x7)
        var crc = CRC32C()
        switch ip {
        case .v4(let address):
            let masked = UInt64(address & ipv4Mask) | r << 29
            for shift in stride(from: 24, through: 0, by: -8) { crc.update(UInt8(truncatingIfNeeded: masked >> shift)) }
        case .v6(let high, _):
            let masked = (high & ipv6Mask) | r << 61
            for shift in stride(from: 56, through: 0, by: -8) { crc.update(UInt8(truncatingIfNeeded: masked >> shift)) }
        }
        return crc.value
    }
}
