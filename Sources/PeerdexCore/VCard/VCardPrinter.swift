/// Writes cards as vCard 4.0 text (RFC 6350): CRLF line ends, lines folded at 75 octets.
///
/// Property values are written as they are stored (already escaped; build them with
/// `VCardProperty(name:text:)` to escape), except that a raw line break becomes `\n`. Parameter
/// values are quoted when they contain `:`, `;` or `,`; RFC 6868 `^` escapes carry `\n` and `"`.
public enum VCardPrinter {
    /// The longest physical line, in octets, not counting the CRLF (RFC 6350 §3.2).
    public static let maxLineOctets = 75

    /// The text of all cards, one after another.
    public static func print(_ cards: [VCard]) -> String {
        var output = [UInt8]()
        for card in cards { write(card, to: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The text of one card.
    public static func print(_ card: VCard) -> String { print([card]) }

    // MARK: - Lines

    private static func write(_ card: VCard, to output: inout [UInt8]) {
        writeFolded(Array("BEGIN:VCARD".utf8), to: &output)
        writeFolded(Array("VERSION:4.0".utf8), to: &output)
        for property in card.properties where property.name != "VERSION" {
            writeFolded(Array(contentLine(property).utf8), to: &output)
        }
        writeFolded(Array("END:VCARD".utf8), to: &output)
    }

    /// The unfolded line for one property.
    static func contentLine(_ property: VCardProperty) -> String {
        var line = property.group.map { $0 + "." } ?? ""
        line += property.name
        for parameter in property.parameters {
            line += ";" + parameter.name + "=" + parameter.values.map(parameterValue).joined(separator: ",")
        }
        // A raw line break would end the line early and let a value forge properties or cards.
        return line + ":" + VCardText.escapingLineBreaks(property.value)
    }

    private static func parameterValue(_ value: String) -> String {
        var encoded = ""
        var needsQuotes = false
        var previous: Unicode.Scalar?
        for scalar in value.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "^": encoded += "^^"
            case "\n" where previous == "\r": continue
            case "\n", "\r": encoded += "^n"
            case "\"": encoded += "^'"
            case ":", ";", ",":
                needsQuotes = true
                encoded.unicodeScalars.append(scalar)
            default: encoded.unicodeScalars.append(scalar)
            }
        }
        return needsQuotes ? "\"" + encoded + "\"" : encoded
    }

    /// Appends `line` cut into pieces of at most 75 octets, never inside a UTF-8 sequence (§3.2).
    ///
    /// Continuation lines start with a space, which counts toward their 75 octets.
    static func writeFolded(_ line: [UInt8], to output: inout [UInt8]) {
        var start = 0
        var room = maxLineOctets
        repeat {
            var end = min(start + room, line.count)
            // Back up to the first byte of a multi-byte sequence (continuation bytes are 10xxxxxx).
            while end < line.count, end > start + 1, line[end] & 0xC0 == 0x80 { end -= 1 }
            if start > 0 { output.append(ASCII.space) }
            output.append(contentsOf: line[start..<end])
            output.append(contentsOf: [ASCII.cr, ASCII.lf])
            start = end
            room = maxLineOctets - 1
        } while start < line.count
    }
}
