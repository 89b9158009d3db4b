/// A domain name as multicast DNS carries it: labels of any bytes (a DNS-SD instance name is
/// UTF-8 with spaces and dots), each at most 63 bytes, at most 255 bytes on the wire in all.
///
/// Equality and hashing fold ASCII letters only, as RFC 6762 §16 says; the labels keep the case
/// they were given, so a name goes back on the wire exactly as it came.
public struct DNSName: Sendable, Hashable, CustomStringConvertible {
    /// Most bytes in one label (RFC 1035 §2.3.4).
    public static let maximumLabelLength = 63
    /// Most bytes of a whole name on the wire, length bytes and the final zero included.
    public static let maximumWireLength = 255

    /// The root name, no labels.
    public static let root = DNSName(checkedLabels: [])

    /// The labels, most specific first, without length bytes.
    public let labels: [[UInt8]]

    /// A name from its labels; each must be 1 to 63 bytes and the whole at most 255 on the wire.
    public init(labels: [[UInt8]]) throws(DNSNameError) {
        for label in labels {
            guard !label.isEmpty else { throw .emptyLabel }
            guard label.count <= Self.maximumLabelLength else { throw .labelTooLong(label.count) }
        }
        let length = Self.wireLength(of: labels)
        guard length <= Self.maximumWireLength else { throw .nameTooLong(length) }
        self.labels = labels
    }

    /// Parses presentation text such as `_peerdex._tcp.local.`: labels split on dots, a final dot
    /// optional, `\.` and `\\` for a dot or a backslash inside a label.
    public init(_ text: String) throws(DNSNameError) {
        var labels = [[UInt8]]()
        var label = [UInt8]()
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                label.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: ".") {
                labels.append(label)
                label = []
            } else {
                label.append(byte)
            }
        }
        if escaped { label.append(UInt8(ascii: "\\")) }
        if !label.isEmpty || (labels.isEmpty && !text.isEmpty) { labels.append(label) }
        if text == "." { labels = [] }
        try self.init(labels: labels)
    }

    /// Labels already checked by the decoder or by another `DNSName`.
    init(checkedLabels: [[UInt8]]) {
        labels = checkedLabels
    }

    /// This name under one more label in front, taken verbatim (a DNS-SD instance name may hold
    /// dots and spaces): `"Ada's laptop"` before `_peerdex._tcp.local`.
    public func prepending(_ label: String) throws(DNSNameError) -> DNSName {
        try DNSName(labels: [Array(label.utf8)] + labels)
    }

    /// Whether this name ends with `suffix` (or is it), comparing case-insensitively.
    public func isWithin(_ suffix: DNSName) -> Bool {
        guard suffix.labels.count <= labels.count else { return false }
        return zip(labels.suffix(suffix.labels.count), suffix.labels).allSatisfy(Self.labelsMatch)
    }

    /// Bytes on the wire without compression.
    public var wireLength: Int { Self.wireLength(of: labels) }

    static func wireLength(of labels: [[UInt8]]) -> Int {
        labels.reduce(1) { $0 + 1 + $1.count }
    }

    // MARK: - Case-insensitive identity

    /// Equal when the labels match with ASCII letters folded (RFC 6762 §16).
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count && zip(lhs.labels, rhs.labels).allSatisfy(labelsMatch)
    }

    /// Hashes the folded labels, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels.count)
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.folded(byte)) }
        }
    }

    static func labelsMatch(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { folded($0) == folded($1) }
    }

    /// Only A–Z fold; bytes of UTF-8 sequences are compared exactly.
    static func folded(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    // MARK: - Presentation

    /// The dotted name (`.` for the root), labels as UTF-8 with invalid bytes replaced, dots and
    /// backslashes inside a label escaped so that `init(_:)` reads it back.
    public var description: String {
        guard !labels.isEmpty else { return "." }
        return labels.map { label in
            String(decoding: label, as: UTF8.self).replacing("\\", with: "\\\\").replacing(".", with: "\\.")
        }.joined(separator: ".")
    }
}

/// Why labels do not make a domain name.
public enum DNSNameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A label of no bytes, which the wire format reserves for the end of a name.
    case emptyLabel
    /// A label over 63 bytes; carries its length.
    case labelTooLong(Int)
    /// A name over 255 bytes on the wire; carries its length.
    case nameTooLong(Int)

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .emptyLabel: "a DNS name has an empty label"
        case .labelTooLong(let length): "a DNS label of \(length) bytes is over 63"
        case .nameTooLong(let length): "a DNS name of \(length) bytes is over 255"
        }
    }
}
