/// The `key=value` attributes of a DNS-SD TXT record (RFC 6763 §6): keys of printable ASCII
/// without `=`, compared case-insensitively, the first of a repeated key winning; a string
/// without `=` is a boolean attribute (no value), `key=` one with an empty value.
public struct DNSTextAttributes: Sendable, Hashable {
    /// One attribute.
    public struct Attribute: Sendable, Hashable {
        /// The key as written.
        public var key: String
        /// The value; nil for a boolean attribute (present, no `=`).
        public var value: [UInt8]?

        /// An attribute from its parts.
        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.value = value
        }

        /// An attribute whose value is UTF-8 text.
        public init(key: String, text: String) {
            self.init(key: key, value: Array(text.utf8))
        }
    }

    /// The attributes in order, at most one per key.
    public private(set) var attributes: [Attribute]

    /// Reads the strings of a TXT record, silently skipping what RFC 6763 §6.4 says to ignore:
    /// empty strings, strings starting with `=`, keys that are not printable ASCII, and every
    /// repeat of a key already seen.
    public init(strings: [[UInt8]]) {
        attributes = []
        for string in strings {
            let keyBytes = string.prefix { $0 != UInt8(ascii: "=") }
            guard !keyBytes.isEmpty, keyBytes.allSatisfy(Self.isKeyByte) else { continue }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard attribute(forKey: key) == nil else { continue }
            let value = keyBytes.count < string.count ? Array(string[(keyBytes.count + 1)...]) : nil
            attributes.append(Attribute(key: key, value: value))
        }
    }

    /// Attributes to encode; each key must be printable ASCII without `=`, not repeated, and each
    /// `key=value` at most 255 bytes.
    public init(_ attributes: [Attribute]) throws(DNSTextAttributesError) {
        self.attributes = []
        for attribute in attributes {
            let key = Array(attribute.key.utf8)
            guard !key.isEmpty, key.allSatisfy(Self.isKeyByte) else { throw .invalidKey(attribute.key) }
            guard self.attribute(forKey: attribute.key) == nil else { throw .repeatedKey(attribute.key) }
            let length = key.count + (attribute.value.map { 1 + $0.count } ?? 0)
            guard length <= 255 else { throw .attributeTooLong(attribute.key, length) }
            self.attributes.append(attribute)
        }
    }

    /// The attribute under `key`, compared case-insensitively.
    public func attribute(forKey key: String) -> Attribute? {
        let wanted = Array(key.utf8)
        return attributes.first { DNSName.labelsMatch(Array($0.key.utf8), wanted) }
    }

    /// The value under `key` as UTF-8 text; nil when absent, boolean, or not valid UTF-8.
    public func text(forKey key: String) -> String? {
        guard let value = attribute(forKey: key)?.value else { return nil }
        return String(validating: value, as: UTF8.self)
    }

    /// The TXT strings, in order: `key=value`, or `key` alone for a boolean attribute.
    public var strings: [[UInt8]] {
        attributes.map { attribute in
            Array(attribute.key.utf8) + (attribute.value.map { [UInt8(ascii: "=")] + $0 } ?? [])
        }
    }

    /// RFC 6763 §6.4: printable US-ASCII (0x20–0x7E) except `=`.
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "=")
    }
}

/// Why attributes cannot be encoded as TXT strings.
public enum DNSTextAttributesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An empty key, or one with `=` or a byte outside printable ASCII.
    case invalidKey(String)
    /// A key given twice (case-insensitively).
    case repeatedKey(String)
    /// `key=value` over 255 bytes; carries the key and the length.
    case attributeTooLong(String, Int)

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .invalidKey(let key): "TXT key \"\(key)\" is empty or not printable ASCII without ="
        case .repeatedKey(let key): "TXT key \"\(key)\" is given twice"
        case .attributeTooLong(let key, let length): "TXT attribute \"\(key)\" of \(length) bytes is over 255"
        }
    }
}
