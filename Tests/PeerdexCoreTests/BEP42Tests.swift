import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// BEP 42 node IDs, against the BEP's own examples.
@Suite struct BEP42Tests {
    /// BEP 42's table: IP, rand, and an example node ID.
    static let vectors: [(ip: String, rand: UInt8, id: String)] = [
        ("124.31.75.21", 1, "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401"),
        ("21.75.31.124", 86, "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256"),
        ("65.23.51.170", 22, "a5d43220bc8f112a3d426c84764f8c2a1150e616"),
        ("84.124.73.14", 65, "1b0321dd1bb1fe518101ceef99462b947a01ff41"),
        ("43.213.53.83", 90, "e56f6cbf5b7c4be0237986d5243b87aa6d51305a"),
    ]

    @Test(arguments: vectors.indices)
    func theBEPsExamplesAreValidAndOurIDsShareTheirFirst21Bits(index: Int) {
        let vector = Self.vectors[index]
        let ip = IPAddress(parsing: vector.ip)!
        let example = NodeID(hex: vector.id)!
        #expect(BEP42.isValid(nodeID: example, for: ip))
        let ours = BEP42.nodeID(for: ip, rand: vector.rand, randomBits: .zero)
        #expect(ours.high >> 43 == example.high >> 43)
        #expect(ours.bytes.last == vector.rand)
        #expect(ours.bytes.dropFirst(3).dropLast().allSatisfy { $0 == 0 })
        #expect(BEP42.isValid(nodeID: ours, for: ip))
    }

    @Test func thePrefixIsTheCRCOfTheMaskedAddress() {
        // 124.31.75.21 masked with 030f3fff is 00 0f 0b 15; r = 1 sets the top bits of the first byte.
        let ip = IPAddress(parsing: "124.31.75.21")!
        #expect(BEP42.prefix(for: ip, rand: 1) == CRC32C.checksum([0x20, 0x0f, 0x0b, 0x15]))
        #expect(BEP42.prefix(for: ip, rand: 1) == 0x5fbf_bdb2)
        // Only the low 3 bits of rand count.
        #expect(BEP42.prefix(for: ip, rand: 9) == 0x5fbf_bdb2)
    }

    @Test func theFirst21BitsMatterAndTheRestDoNot() {
        let ip = IPAddress(parsing: "21.75.31.124")!
        let example = NodeID(hex: "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256")!
        for bit in 0..<21 {
            #expect(!BEP42.isValid(nodeID: example.distance(to: RoutingFixture.singleBit(bit)), for: ip), "bit \(bit)")
        }
        for bit in 21..<152 {
            #expect(BEP42.isValid(nodeID: example.distance(to: RoutingFixture.singleBit(bit)), for: ip), "bit \(bit)")
        }
        // The last byte's low 3 bits are r: changing them changes the prefix.
        #expect(!BEP42.isValid(nodeID: example.distance(to: RoutingFixture.singleBit(159)), for: ip))
        // Another address does not share the prefix.
        #expect(!BEP42.isValid(nodeID: example, for: IPAddress(parsing: "124.31.75.21")!))
    }

    @Test func bitsOutsideTheMaskDoNotChangeTheID() {
        // 0x03 keeps 2 bits of the first octet: 124 (0x7c) and 252 (0xfc) give the same prefix.
        let example = NodeID(hex: "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401")!
        #expect(BEP42.isValid(nodeID: example, for: IPAddress(parsing: "252.31.75.21")!))
        #expect(BEP42.isValid(nodeID: example, for: IPAddress(parsing: "124.223.75.21")!))  // 0x1f vs 0xdf under 0x0f
        #expect(!BEP42.isValid(nodeID: example, for: IPAddress(parsing: "125.31.75.21")!))
    }

    @Test func generatedIDsAreValidForRandomIPv4AndIPv6Addresses() {
        var random = SeededRandom(defaultSeed: 42)
        for _ in 0..<200 {
            let ip: IPAddress = Bool.random(using: &random)
                ? .v4(UInt32(truncatingIfNeeded: random.next())) : .v6(random.next(), random.next())
            let rand = UInt8(truncatingIfNeeded: random.next())
            let id = BEP42.nodeID(for: ip, rand: rand, randomBits: NodeID(random: &random))
            #expect(BEP42.isValid(nodeID: id, for: ip), "\(ip) \(id) \(random)")
            #expect(id.bytes.last == rand)
        }
    }

    @Test func ipv6UsesTheFirst8BytesOnly() {
        let ip = IPAddress(parsing: "2001:db8:1234:5678:9abc:def0:1:2")!
        let id = BEP42.nodeID(for: ip, rand: 3, randomBits: .zero)
        #expect(BEP42.isValid(nodeID: id, for: IPAddress(parsing: "2001:db8:1234:5678::")!))
        #expect(!BEP42.isValid(nodeID: id, for: IPAddress(parsing: "2001:db8:1234:5679::")!))
        #expect(BEP42.prefix(for: ip, rand: 3) == CRC32C.checksum([0x60, 0x01, 0x05, 0x08, 0x12, 0x34, 0x56, 0x78]))
    }

    @Test func onlyPublicAddressesAreChecked() {
        #expect(BEP42.applies(to: IPAddress(parsing: "124.31.75.21")!))
        #expect(!BEP42.applies(to: IPAddress(parsing: "127.0.0.1")!))
        #expect(!BEP42.applies(to: IPAddress(parsing: "10.1.2.3")!))
        #expect(!BEP42.applies(to: IPAddress(parsing: "::1")!))
    }
}
