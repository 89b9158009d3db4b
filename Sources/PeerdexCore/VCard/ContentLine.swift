/// Parses one unfolded content line, `[group.]NAME[;param=value…]:value` (RFC 6350 §3.3, §5).
///
/// Works on bytes: every delimiter is ASCII, so multi-byte UTF-8 never needs decoding until a
/// piece is cut out. Also reads vCard 2.1/3.0 habits: bare parameters (`TEL;WORK;VOICE:`) and
/// `ENCODING=QUOTED-PRINTABLE` values, which are decoded here so callers only ever see text.
enum ContentLine {
    /// Why a content line is malformed.
    struct Failure: Error {
        var message: String
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> VCardProperty {
        guard let nameEnd = bytes.firstIndex(where: { $0 == ASCII.semicolon || $0 == ASCII.colon }) else {
            throw Failure(message: "no ':' between the property name and its value")
        }
        let (group, name) = try parseName(bytes[..<nameEnd])
        var parameters = [VCardParameter]()
        var position = nameEnd
        while position < bytes.count, bytes[position] == ASCII.semicolon {
            position += 1
            parameters.append(try parseParameter(bytes, at: &position))
        }
        guard position < bytes.count, bytes[position] == ASCII.colon else {
            throw Failure(message: "expected ':' after the parameters of \(name)")
        }
        let raw = bytes[(position + 1)...]
        var property = VCardProperty(group: group, name: name, parameters: parameters, value: text(raw))
        if property.parameterValues("ENCODING").contains(where: { $0.uppercased() == "QUOTED-PRINTABLE" }) {
            let latin1 = property.parameterValues("CHARSET").contains { charset in
                ["ISO-8859-1", "WINDOWS-1252", "LATIN1"].contains(charset.uppercased())
            }
            property.value = QuotedPrintable.decode(raw, latin1: latin1)
            property.parameters.removeAll { $0.name == "ENCODING" || $0.name == "CHARSET" }
        }
        return property
    }

    // MARK: - Pieces

    private static func parseName(_ bytes: ArraySlice<UInt8>) throws(Failure) -> (String?, String) {
        let parts = bytes.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy(isName) else {
            let shown = String(decoding: bytes.prefix(40), as: UTF8.self)
            throw Failure(message: "'\(shown)' is not a property name (letters, digits and '-' only)")
        }
        let name = text(parts[parts.count - 1]).uppercased()
        return (parts.count == 2 ? text(parts[0]) : nil, name)
    }

    private static func parseParameter(_ bytes: [UInt8], at position: inout Int) throws(Failure) -> VCardParameter {
        let start = position
        while position < bytes.count, ![ASCII.equals, ASCII.semicolon, ASCII.colon].contains(bytes[position]) {
            position += 1
        }
        let nameBytes = bytes[start..<position]
        guard isName(nameBytes) else {
            throw Failure(message: "'\(text(nameBytes.prefix(40)))' is not a parameter name")
        }
        let name = text(nameBytes).uppercased()
        guard position < bytes.count, bytes[position] == ASCII.equals else { return bareParameter(name) }
        position += 1
        var values = [String]()
        repeat {
            if position < bytes.count, bytes[position] == ASCII.quote {
                guard let close = bytes[(position + 1)...].firstIndex(of: ASCII.quote) else {
                    throw Failure(message: "parameter \(name) has a quote that is never closed")
                }
                let value = caretDecoded(bytes[(position + 1)..<close])
                // RFC 6350 itself writes TYPE="work,voice": a quoted TYPE is still a list.
                values += name == "TYPE" ? value.split(separator: ",").map(String.init) : [value]
                position = close + 1
            } else {
                let valueStart = position
                while position < bytes.count, ![ASCII.comma, ASCII.semicolon, ASCII.colon].contains(bytes[position]) {
                    position += 1
                }
                values.append(caretDecoded(bytes[valueStart..<position]))
            }
            guard position < bytes.count, bytes[position] == ASCII.comma else { break }
            position += 1
        } while true
        return VCardParameter(name: name, values: values)
    }

    /// vCard 2.1/3.0 write `TEL;WORK;VOICE:` and `NOTE;QUOTED-PRINTABLE:` without parameter names.
    private static func bareParameter(_ value: String) -> VCardParameter {
        let encodings: Set<String> = ["QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"]
        return VCardParameter(encodings.contains(value) ? "ENCODING" : "TYPE", value)
    }

    private static func isName(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D
                || byte == 0x5F
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 6868: `^n` is a newline, `^'` a double quote and `^^` a caret in parameter values.
    private static func caretDecoded(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "^")) else { return text(bytes) }
        var output = [UInt8]()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let next = index + 1 < bytes.endIndex ? bytes[index + 1] : nil
            switch (byte, next) {
            case (UInt8(ascii: "^"), UInt8(ascii: "n")?), (UInt8(ascii: "^"), UInt8(ascii: "N")?):
                output.append(ASCII.lf)
                index += 2
            case (UInt8(ascii: "^"), UInt8(ascii: "'")?):
                output.append(ASCII.quote)
                index += 2
            case (UInt8(ascii: "^"), UInt8(ascii: "^")?):
                output.append(byte)
                index += 2
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Quoted-printable (RFC 2045 §6.7) as old exporters wrote it; soft breaks are already joined.
enum QuotedPrintable {
    static func decode(_ bytes: ArraySlice<UInt8>, latin1: Bool) -> String {
        var output = [UInt8]()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.equals, index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        let text = latin1
            ? String(String.UnicodeScalarView(output.map { Unicode.Scalar($0) }))
            : String(decoding: output, as: UTF8.self)
        // Encoded line breaks become `\n` so the raw value stays one line and reads back as text.
        return VCardText.escapingLineBreaks(text)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
