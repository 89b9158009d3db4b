/// The subset of TOML that peerdex's config file uses: tables, strings, booleans, integers and
/// arrays of strings, with comments.
///
/// Why not a library: TOMLKit, the one TOML package on this machine's mirror, depends on a package
/// the mirror lacks and so cannot be resolved. Anything outside the subset (dates, inline tables,
/// multi-line strings) is reported as an error with its line, never silently misread.
public struct TOMLDocument: Equatable, Sendable {
    /// A value of the subset.
    public enum Value: Equatable, Sendable {
        /// A string.
        case string(String)
        /// A boolean.
        case bool(Bool)
        /// An integer.
        case integer(Int)
        /// An array of strings.
        case strings([String])
    }

    /// Values by table name ("" for the top level), then by key.
    public private(set) var tables: [String: [String: Value]] = [:]

    /// The value at `key` in `table` ("" for the top level).
    public subscript(table: String, key: String) -> Value? { tables[table]?[key] }

    /// Parses the text of a config file.
    public init(parsing text: String) throws(TOMLError) {
        var table = ""
        tables[""] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard !line.hasPrefix("[["), let close = line.firstIndex(of: "]") else {
                    throw TOMLError(line: number, message: "expected [table]")
                }
                let rest = line[line.index(after: close)...].trimmingWhitespace()
                guard rest.isEmpty || rest.hasPrefix("#") else { throw TOMLError(line: number, message: "text after ]") }
                table = String(line[line.index(after: line.startIndex)..<close].trimmingWhitespace())
                guard !table.isEmpty, tables[table] == nil else {
                    throw TOMLError(line: number, message: table.isEmpty ? "empty table name" : "table [\(table)] twice")
                }
                tables[table] = [:]
                continue
            }
            var scanner = Scanner(line, line: number)
            let key = try scanner.key()
            try scanner.expect("=")
            let value = try scanner.value()
            try scanner.end()
            guard tables[table]?[key] == nil else { throw TOMLError(line: number, message: "key '\(key)' twice") }
            tables[table]?[key] = value
        }
    }
}

/// A config file that is not in the supported TOML subset, with the line to look at.
public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// `line N: message`.
    public var description: String { "line \(line): \(message)" }
}

/// Reads the pieces of one `key = value` line.
private struct Scanner {
    var text: Substring
    let line: Int

    init(_ text: Substring, line: Int) {
        self.text = text
        self.line = line
    }

    mutating func skipSpace() { text = text.drop(while: { $0 == " " || $0 == "\t" }) }

    mutating func key() throws(TOMLError) -> String {
        skipSpace()
        if text.first == "\"" { return try basicString() }
        let key = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard !key.isEmpty else { throw TOMLError(line: line, message: "expected a key") }
        text = text.dropFirst(key.count)
        return String(key)
    }

    mutating func expect(_ character: Character) throws(TOMLError) {
        skipSpace()
        guard text.first == character else { throw TOMLError(line: line, message: "expected '\(character)'") }
        text = text.dropFirst()
    }

    mutating func value() throws(TOMLError) -> TOMLDocument.Value {
        skipSpace()
        switch text.first {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[":
            text = text.dropFirst()
            var items = [String]()
            while true {
                skipSpace()
                if text.first == "]" { break }
                guard case .string(let item) = try value() else {
                    throw TOMLError(line: line, message: "only arrays of strings are supported")
                }
                items.append(item)
                skipSpace()
                if text.first == "," { text = text.dropFirst() } else if text.first != "]" {
                    throw TOMLError(line: line, message: "expected ',' or ']'")
                }
            }
            text = text.dropFirst()
            return .strings(items)
        default:
            let word = text.prefix { !$0.isWhitespace && $0 != "#" && $0 != "," && $0 != "]" }
            text = text.dropFirst(word.count)
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            if let number = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(number) }
            throw TOMLError(line: line, message: "unsupported value '\(word)' (use a quoted string)")
        }
    }

    mutating func end() throws(TOMLError) {
        skipSpace()
        guard text.isEmpty || text.hasPrefix("#") else { throw TOMLError(line: line, message: "unexpected '\(text)'") }
    }

    private mutating func literalString() throws(TOMLError) -> String {
        text = text.dropFirst()
        guard let close = text.firstIndex(of: "'") else { throw TOMLError(line: line, message: "unterminated string") }
        defer { text = text[text.index(after: close)...] }
        return String(text[..<close])
    }

    private mutating func basicString() throws(TOMLError) -> String {
        text = text.dropFirst()
        var result = ""
        while let character = text.first {
            text = text.dropFirst()
            switch character {
            case "\"": return result
            case "\\":
                guard let escape = text.first else { break }
                text = text.dropFirst()
                switch escape {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "u", "U":
                    let length = escape == "u" ? 4 : 8
                    guard let value = UInt32(text.prefix(length), radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw TOMLError(line: line, message: "bad \\\(escape) escape")
                    }
                    text = text.dropFirst(length)
                    result.unicodeScalars.append(scalar)
                default: throw TOMLError(line: line, message: "unknown escape \\\(escape)")
                }
            default: result.append(character)
            }
        }
        throw TOMLError(line: line, message: "unterminated string")
    }
}
