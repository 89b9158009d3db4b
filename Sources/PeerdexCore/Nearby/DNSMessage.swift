/// A DNS message in the wire format of RFC 1035 §4.1 with the meanings multicast DNS gives its
/// bits (RFC 6762 §18): a header, questions, and answer, authority and additional records.
///
/// `DNSMessage(decoding:)` reads one from a datagram of anyone on the LAN, strictly and within
/// `DNSMessageLimits`; `encoded()` writes one with name compression and refuses to exceed the
/// same limits, so that whatever we send, we would also accept.
public struct DNSMessage: Sendable, Hashable {
    /// The query ID; multicast DNS sends 0 (RFC 6762 §18.1).
    public var id: UInt16
    /// The second 16 bits of the header.
    public var flags: DNSFlags
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section (proposed records when probing, RFC 6762 §8.2).
    public var authorities: [DNSResourceRecord]
    /// The additional section.
    public var additionals: [DNSResourceRecord]

    /// A message from its parts.
    public init(
        id: UInt16 = 0, flags: DNSFlags = DNSFlags(), questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authorities: [DNSResourceRecord] = [], additionals: [DNSResourceRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// The bytes of the header: ID, flags and the four counts.
    public static let headerLength = 12
}

/// The flags word of a DNS header. All 16 bits are kept, so a message re-encodes to the same
/// header; the properties name the fields mDNS reads.
public struct DNSFlags: Sendable, Hashable {
    /// The 16 bits as on the wire.
    public var rawValue: UInt16

    /// Flags from the 16 bits on the wire.
    public init(rawValue: UInt16 = 0) {
        self.rawValue = rawValue
    }

    /// The flags of a multicast DNS response: QR and AA set, opcode and rcode 0 (RFC 6762 §18).
    public static let response = DNSFlags(rawValue: 0x8400)

    /// QR: a response rather than a query.
    public var isResponse: Bool {
        get { bit(15) }
        set { setBit(15, newValue) }
    }

    /// AA: an authoritative answer (always set in mDNS responses).
    public var isAuthoritative: Bool {
        get { bit(10) }
        set { setBit(10, newValue) }
    }

    /// TC: in an mDNS query, more known answers follow in later packets (RFC 6762 §18.5).
    public var isTruncated: Bool {
        get { bit(9) }
        set { setBit(9, newValue) }
    }

    /// The 4-bit opcode; mDNS accepts only 0 (RFC 6762 §18.3).
    public var opcode: UInt8 {
        get { UInt8(rawValue >> 11 & 0xF) }
        set { rawValue = rawValue & ~(0xF << 11) | UInt16(newValue & 0xF) << 11 }
    }

    /// The 4-bit response code; mDNS accepts only 0 (RFC 6762 §18.11).
    public var responseCode: UInt8 {
        get { UInt8(rawValue & 0xF) }
        set { rawValue = rawValue & ~0xF | UInt16(newValue & 0xF) }
    }

    private func bit(_ index: Int) -> Bool { rawValue & 1 << index != 0 }

    private mutating func setBit(_ index: Int, _ value: Bool) {
        rawValue = value ? rawValue | 1 << index : rawValue & ~(1 << index)
    }
}

/// The four parts of a message after the header.
public enum DNSSection: Sendable, Hashable, CustomStringConvertible {
    /// Questions.
    case question
    /// Answer records.
    case answer
    /// Authority records.
    case authority
    /// Additional records.
    case additional

    /// The section's name, for error descriptions.
    public var description: String {
        switch self {
        case .question: "question"
        case .answer: "answer"
        case .authority: "authority"
        case .additional: "additional"
        }
    }
}

/// How much one message may hold, so that a packet from the LAN costs bounded work and memory.
public struct DNSMessageLimits: Sendable, Equatable {
    /// Most bytes in one message.
    public var maximumLength: Int
    /// Most entries in any one section.
    public var maximumEntriesPerSection: Int
    /// Most entries in all four sections together.
    public var maximumEntries: Int
    /// Most compression pointers one name may follow.
    public var maximumPointersPerName: Int

    /// Limits from their parts.
    public init(maximumLength: Int, maximumEntriesPerSection: Int, maximumEntries: Int, maximumPointersPerName: Int) {
        self.maximumLength = maximumLength
        self.maximumEntriesPerSection = maximumEntriesPerSection
        self.maximumEntries = maximumEntries
        self.maximumPointersPerName = maximumPointersPerName
    }

    /// 9,000 bytes, the largest mDNS packet (RFC 6762 §17, a jumbo frame); 64 entries a section
    /// and 256 in all, far above what a DNS-SD announcement holds (about 5 records per service);
    /// 32 pointers, above the depth of any real name (a DNS-SD name has 4 or 5 labels).
    public static let `default` = DNSMessageLimits(
        maximumLength: 9_000, maximumEntriesPerSection: 64, maximumEntries: 256, maximumPointersPerName: 32
    )
}
