/// Escaping and splitting of vCard text values (RFC 6350 §3.4).
///
/// Raw values keep their escapes until a caller knows the property's shape: a `;` separates the
/// fields of `N` or `ADR` and a `,` separates list items of `CATEGORIES`, but `\;` and `\,` never
/// do. So splitting happens on the raw value and unescaping last, per piece.
public enum VCardText {
    // MARK: - Escaping

    /// Escapes `\`, `,`, `;` and newline as `\\`, `\,`, `\;` and `\n`.
    ///
    /// A carriage return is a control character vCard text cannot carry; it is written as is so
    /// that our own parser gives it back exactly (RFC-strict readers may drop it).
    public static func escape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", ",", ";":
                output.append("\\")
                output.append(scalar)
            case "\n":
                output.append("\\")
                output.append("n")
            default:
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
