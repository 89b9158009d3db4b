/// Reads one contact object straight from JSON bytes, for imports of many contacts.
///
/// JSONDecoder spends about ten microseconds on each contact, most of an import's parsing. This
/// reader takes only the shape that exports write: the known keys once each, with strings,
/// booleans, `null`, arrays of strings and connection objects. For anything else (an unknown
/// key, a number, a duplicate key, invalid text) it returns nil, and the caller hands that
/// element to JSONDecoder, which stays the reference for results and error messages alike.
public enum ContactJSONScanner {
    /// The contact in `bytes` (exactly one JSON object), or nil when the decoder should read it.
    public static func contact(_ bytes: UnsafeBufferPointer<UInt8>) -> ContactJSON? {
        var cursor = Cursor(bytes: bytes)
        guard let contact = cursor.contact() else { return nil }
        cursor.skipSpace()
        return cursor.isAtEnd ? contact : nil
    }
}

/// The keys the scanner knows: a contact's, then a connection event's.
private enum Key: Int, CaseIterable {
    case peerId, name, alias, note, interests, location, privacy, favorite, blocked, friend, addedAt, lastSeen
    case lastInteraction, favoritedAt, blockedAt, connectionHistory, match
    case time, address, outcome

    /// Each key with its name in UTF-8, for matching bytes without making a string.
    static let names: [(key: Key, utf8: [UInt8])] = allCases.map { key in (key, Array("\(key)".utf8)) }

    /// The key named by `bytes`, if any.
    static func named(_ bytes: UnsafeBufferPointer<UInt8>) -> Key? {
        names.first { $0.utf8.count == bytes.count && $0.utf8.elementsEqual(bytes) }?.key
    }

    /// A bit of its own, to notice a key given twice.
    var bit: UInt32 { 1 << UInt32(rawValue) }
}

/// A position in JSON bytes; every reading method returns nil (or false) on anything unexpected.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after white space) if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes the literal `null` if it is next.
    mutating func takeNull() -> Bool { takeWord("null") }

    mutating func takeWord(_ word: StaticString) -> Bool {
        skipSpace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func bool() -> Bool? {
        if takeWord("true") { return true }
        if takeWord("false") { return false }
        return nil
    }

    /// A string, unescaped; nil for raw control characters or an escape JSON does not allow.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    /// The slow half of `string()`: rebuilds the text with its escapes resolved.
    private mutating func escapedString(from start: Int) -> String? {
        var output = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                output.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `XXXX` after `\u`, joining a surrogate pair; nil for a lone surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        switch high {
        case 0xD800...0xDBFF:
            guard takeWord("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            return nil
        default:
            return Unicode.Scalar(high)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[index]) else { return nil }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// A string or `null` (what `decodeIfPresent(String.self)` accepts); the outer nil is failure.
    mutating func optionalString() -> String?? {
        if takeNull() { return .some(nil) }
        return string().map { .some($0) }
    }

    /// An array of strings.
    mutating func strings() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var values = [String]()
        if take(UInt8(ascii: "]")) { return values }
        repeat {
            guard let value = string() else { return nil }
            values.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? values : nil
    }

    /// Calls `body` with each key of an object; `body` reads the value and says if it could.
    /// Keys are matched as bytes against `Key`'s names, unescaped; any other key is a failure.
    mutating func object(_ body: (inout Cursor, Key) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard take(UInt8(ascii: "\"")), let key = key(), take(UInt8(ascii: ":")), body(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// The key whose name follows (after its opening quote), with its closing quote consumed.
    private mutating func key() -> Key? {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        return Key.named(name)
    }

    /// One connection event: its three keys, each once.
    mutating func connection() -> ConnectionJSON? {
        var time: String?
        var address: String?
        var outcome: String?
        let read = object { cursor, key in
            switch key {
            case .time where time == nil: time = cursor.string()
            case .address where address == nil: address = cursor.string()
            case .outcome where outcome == nil: outcome = cursor.string()
            default: return false
            }
            return true
        }
        guard read, let time, let address, let outcome else { return nil }
        return ConnectionJSON(time: time, address: address, outcome: outcome)
    }

    /// A whole contact object.
    mutating func contact() -> ContactJSON? {
        var contact = ContactJSON(peerId: "")
        var seen: UInt32 = 0
        let read = object { cursor, key in
            guard seen & key.bit == 0 else { return false }
            seen |= key.bit
            switch key {
            case .peerId:
                guard let value = cursor.string() else { return false }
                contact.peerId = value
            case .name: return cursor.read(into: &contact.name, default: "")
            case .alias: return cursor.read(into: &contact.alias, default: "")
            case .note: return cursor.read(into: &contact.note, default: "")
            case .location: return cursor.read(into: &contact.location, default: "")
            case .privacy: return cursor.read(into: &contact.privacy, default: PrivacyLevel.private.rawValue)
            case .addedAt: return cursor.read(into: &contact.addedAt, default: "")
            case .lastSeen: return cursor.readOptional(into: &contact.lastSeen)
            case .lastInteraction: return cursor.readOptional(into: &contact.lastInteraction)
            case .favoritedAt: return cursor.readOptional(into: &contact.favoritedAt)
            case .blockedAt: return cursor.readOptional(into: &contact.blockedAt)
            case .favorite: return cursor.read(into: &contact.favorite)
            case .blocked: return cursor.read(into: &contact.blocked)
            case .friend: return cursor.read(into: &contact.friend)
            case .interests:
                if cursor.takeNull() { return true }
                guard let values = cursor.strings() else { return false }
                contact.interests = values
            case .connectionHistory:
                if cursor.takeNull() { return true }
                guard cursor.take(UInt8(ascii: "[")) else { return false }
                var events = [ConnectionJSON]()
                if !cursor.take(UInt8(ascii: "]")) {
                    repeat {
                        guard let event = cursor.connection() else { return false }
                        events.append(event)
                    } while cursor.take(UInt8(ascii: ","))
                    guard cursor.take(UInt8(ascii: "]")) else { return false }
                }
                contact.connectionHistory = events
            case .match:
                // Search results carry it; reading ignores it, as the decoder does.
                return cursor.optionalString() != nil
            case .time, .address, .outcome:
                return false
            }
            return true
        }
        return read && seen & Key.peerId.bit != 0 ? contact : nil
    }

    /// Reads a string or `null` (which leaves `default`) into a field.
    mutating func read(into field: inout String, default value: String) -> Bool {
        guard let read = optionalString() else { return false }
        field = read ?? value
        return true
    }

    /// Reads a string or `null` into an optional field.
    mutating func readOptional(into field: inout String?) -> Bool {
        guard let read = optionalString() else { return false }
        field = read
        return true
    }

    /// Reads a boolean or `null` (false) into a field.
    mutating func read(into field: inout Bool) -> Bool {
        if takeNull() { return true }
        guard let value = bool() else { return false }
        field = value
        return true
    }
}
