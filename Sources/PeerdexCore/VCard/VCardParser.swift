/// Parses vCard 4.0 (RFC 6350) and 3.0 (RFC 2426) text into cards, one result per card.
///
/// A broken card never aborts the others: each `BEGIN:VCARD … END:VCARD` block yields either a
/// `VCard` or a `VCardParseError` that names the card and its first line. Lines may end in CRLF
/// or LF; folded lines (a line starting with a space or tab) are unfolded first (§3.2).
///
/// Hostile input is bounded by `Limits`: an unfolded line longer than `maxLineLength` octets
/// stops being accumulated and fails its card, and a card with more than `maxPropertiesPerCard`
/// properties fails, so memory per card stays under roughly their product whatever the input.
public struct VCardParser: Sendable {
    /// Size caps that keep hostile input bounded.
    public struct Limits: Hashable, Sendable {
        /// Longest accepted content line, in octets after unfolding.
        public var maxLineLength: Int
        /// Most properties accepted in one card.
        public var maxPropertiesPerCard: Int

        /// Limits from their parts.
        public init(maxLineLength: Int, maxPropertiesPerCard: Int) {
            self.maxLineLength = maxLineLength
            self.maxPropertiesPerCard = maxPropertiesPerCard
        }

        /// 64 KiB per line (a long note with a photo-free card), 1000 properties per card.
        public static let `default` = Limits(maxLineLength: 64 * 1024, maxPropertiesPerCard: 1_000)
    }

    /// The caps applied while parsing.
    public var limits: Limits

    /// A parser with the given caps.
    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Parses every card in `text`, in order.
    public func parse(_ text: String) -> [VCardParseResult] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var cards = CardAssembler(limits: limits)
        var pending: LogicalLine?
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = bytes[start...].firstIndex(of: ASCII.lf) ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == ASCII.cr { end -= 1 }
            let physical = bytes[start..<end]
            start = next
            if var line = pending, let first = physical.first, first == ASCII.space || first == ASCII.tab {
                line.append(physical.dropFirst(), limit: limits.maxLineLength)
                pending = line
            } else if var line = pending, line.endsInSoftBreak {
                line.bytes.removeLast()
                line.append(physical, limit: limits.maxLineLength)
                pending = line
            } else {
                if let line = pending { cards.consume(line) }
                var line = LogicalLine(bytes: [], number: lineNumber)
                line.append(physical, limit: limits.maxLineLength)
                pending = line
            }
        }
        if let line = pending { cards.consume(line) }
        return cards.finish()
    }
}

/// What the parser made of one card: where it started, and the card or why it failed.
public struct VCardParseResult: Hashable, Sendable {
    /// The card's 1-based position in the file.
    public var index: Int
    /// The 1-based line where the card starts.
    public var line: Int
    /// The card, or why it could not be read.
    public var result: Result<VCard, VCardParseError>

    /// A result from its parts.
    public init(index: Int, line: Int, result: Result<VCard, VCardParseError>) {
        self.index = index
        self.line = line
        self.result = result
    }

    /// The card, when it parsed.
    public var card: VCard? { try? result.get() }
}

/// Why one card of a file could not be read.
public struct VCardParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The card's 1-based position in the file.
    public var index: Int
    /// The 1-based line where the card starts.
    public var line: Int
    /// One line that explains the problem to a person.
    public var message: String

    /// An error from its parts.
    public init(index: Int, line: Int, message: String) {
        self.index = index
        self.line = line
        self.message = message
    }

    /// The message, prefixed with the card's position.
    public var description: String { "card \(index) (line \(line)): \(message)" }
}
