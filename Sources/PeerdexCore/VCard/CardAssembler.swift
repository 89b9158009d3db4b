// Internals of `VCardParser`: unfolded lines, and the state machine that groups them into cards.
//
// Kept apart from the public parser so each stays small; nothing here is public.

// MARK: - Logical lines

/// One unfolded content line and the number of its first physical line.
struct LogicalLine {
    var bytes: [UInt8]
    var number: Int
    /// Set once the line outgrew the cap; the rest of it is dropped, not stored.
    var isOverlong = false

    mutating func append(_ more: ArraySlice<UInt8>, limit: Int) {
        guard !isOverlong else { return }
        guard bytes.count + more.count <= limit else {
            isOverlong = true
            bytes.removeAll()
            return
        }
        bytes.append(contentsOf: more)
    }

    /// A quoted-printable value ending in `=` continues on the next line, unindented (vCard 2.1/3.0).
    var endsInSoftBreak: Bool {
        guard !isOverlong, bytes.last == UInt8(ascii: "="), let colon = bytes.firstIndex(of: ASCII.colon) else {
            return false
        }
        return String(decoding: bytes[..<colon], as: UTF8.self).uppercased().contains("QUOTED-PRINTABLE")
    }

    /// Whether the line is `keyword` (e.g. `BEGIN:VCARD`), ignoring case and surrounding blanks.
    func isKeyword(_ keyword: String) -> Bool {
        guard bytes.count < 64 else { return false }
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace().uppercased() == keyword
    }

    var isBlank: Bool { !isOverlong && bytes.allSatisfy { $0 == ASCII.space || $0 == ASCII.tab } }
}

// MARK: - Cards

/// Groups logical lines into cards; a failed card keeps swallowing lines until its END.
struct CardAssembler {
    struct Builder {
        var index: Int
        var line: Int
        var card = VCard()
        var error: String?
    }

    let limits: VCardParser.Limits
    var results = [VCardParseResult]()
    var current: Builder?
    var count = 0

    init(limits: VCardParser.Limits) {
        self.limits = limits
    }

    mutating func consume(_ line: LogicalLine) {
        if line.isBlank { return }
        if line.isKeyword("BEGIN:VCARD") {
            if current != nil {
                fail("no END:VCARD before the next BEGIN:VCARD on line \(line.number)")
                close()
            }
            start(at: line.number, error: nil)
        } else if line.isKeyword("END:VCARD") {
            if current == nil { start(at: line.number, error: "END:VCARD without a BEGIN:VCARD") }
            close()
        } else if current == nil {
            start(at: line.number, error: "expected BEGIN:VCARD, found '\(Self.excerpt(line))'")
        } else if current?.error == nil {
            add(line)
        }
    }

    mutating func finish() -> [VCardParseResult] {
        if let builder = current {
            fail("no END:VCARD after the card that starts on line \(builder.line)")
            close()
        }
        return results
    }

    private mutating func add(_ line: LogicalLine) {
        guard !line.isOverlong else {
            return fail("line \(line.number) is longer than the limit of \(limits.maxLineLength) octets")
        }
        guard let count = current?.card.properties.count, count < limits.maxPropertiesPerCard else {
            return fail("more than \(limits.maxPropertiesPerCard) properties in one card")
        }
        do {
            let property = try ContentLine.parse(line.bytes)
            if property.name == "VERSION" {
                current?.card.version = property.value
            } else {
                current?.card.append(property)
            }
        } catch {
            fail("line \(line.number): \(error.message)")
        }
    }

    private mutating func start(at line: Int, error: String?) {
        count += 1
        current = Builder(index: count, line: line, error: error)
    }

    private mutating func fail(_ message: String) {
        if current?.error == nil { current?.error = message }
    }

    private mutating func close() {
        guard let builder = current else { return }
        current = nil
        let result: Result<VCard, VCardParseError>
        if let message = builder.error {
            result = .failure(VCardParseError(index: builder.index, line: builder.line, message: message))
        } else {
            result = .success(builder.card)
        }
        results.append(VCardParseResult(index: builder.index, line: builder.line, result: result))
    }

    /// The start of a line, printable and short, for messages.
    static func excerpt(_ line: LogicalLine) -> String {
        let text = String(decoding: line.bytes.prefix(40), as: UTF8.self)
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 ? "?" : $0 }))
        return line.bytes.count > 40 ? clean + "…" : clean
    }
}

/// ASCII bytes the parser and printer look for.
enum ASCII {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let quote = UInt8(ascii: "\"")
    static let dot = UInt8(ascii: ".")
}
