/// Escaping and splitting of vCard text values (RFC 6350 §3.4).
///
/// Raw values keep their escapes until a caller knows the property's shape: a `;` separates the
/// fields of `N` or `ADR` and a `,` separates list items of `CATEGORIES`, but `\;` and `\,` never
/// do. So splitting happens on the raw value and unescaping last, per piece.
public enum VCardText {
    // MARK: - Escaping

    /// Escapes `\`, `,`, `;` and newline as `\\`, `\,`, `\;` and `\n`; CRLF and CR become `\n` too.
    ///
    /// vCard text cannot carry a carriage return, and some readers end a line at a bare CR, so
    /// writing one raw would let a peer-chosen name forge properties in another program's import.
    public static func escape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\\", ",", ";":
                output.append("\\")
                output.append(scalar)
            case "\n" where previous == "\r":
                continue
            case "\n", "\r":
                output.append("\\")
                output.append("n")
            default:
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// The raw value with every CRLF, CR or LF replaced by the `\n` escape, so it stays one line.
    static func escapingLineBreaks(_ raw: String) -> String {
        guard raw.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return raw }
        var output = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in raw.unicodeScalars {
            defer { previous = scalar }
            if scalar == "\n", previous == "\r" { continue }
            if scalar == "\n" || scalar == "\r" {
                output.append(contentsOf: "\\n".unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// Decodes `\\`, `\,`, `\;`, `\:`, and `\n` or `\N`; any other backslash is kept literally.
    ///
    /// Keeping unknown escapes (instead of dropping the backslash) preserves text like `C:\temp`
    /// from exporters that forgot to escape; `\:` is decoded because vCard 3.0 exporters write it.
    public static func unescape(_ raw: some StringProtocol) -> String {
        var output = String.UnicodeScalarView()
        var iterator = raw.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else {
                output.append(scalar)
                continue
            }
            guard let next = iterator.next() else {
                output.append(scalar)
                break
            }
            switch next {
            case "n", "N": output.append("\n")
            case "\\", ",", ";", ":": output.append(next)
            default:
                output.append(scalar)
                output.append(next)
            }
        }
        return String(output)
    }

    // MARK: - Splitting

    /// Splits a raw value at every unescaped `separator`, keeping escapes inside the pieces.
    public static func split(_ raw: some StringProtocol, separator: Unicode.Scalar) -> [String] {
        var pieces = [String]()
        var current = String.UnicodeScalarView()
        var escaped = false
        for scalar in raw.unicodeScalars {
            if escaped {
                escaped = false
                current.append(scalar)
            } else if scalar == "\\" {
                escaped = true
                current.append(scalar)
            } else if scalar == separator {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        pieces.append(String(current))
        return pieces
    }

    /// A comma-separated list value (`CATEGORIES`, `NICKNAME`), unescaped; empty for an empty value.
    public static func list(_ raw: some StringProtocol) -> [String] {
        guard !raw.isEmpty else { return [] }
        return split(raw, separator: ",").map { unescape($0) }
    }

    /// A structured value (`N`, `ADR`): fields split at `;`, each a list split at `,` (empty field: `[]`).
    public static func structured(_ raw: some StringProtocol) -> [[String]] {
        split(raw, separator: ";").map { list($0) }
    }
}
