/// What importing one card of a vCard file gave: a contact, or the reason it was skipped.
public struct VCardImportEntry: Hashable, Sendable {
    /// A contact read from a card, or why the card was skipped.
    public enum Outcome: Hashable, Sendable {
        /// The card became this contact.
        case contact(Contact)
        /// The card was left out; the reason is one line for a person.
        case skipped(reason: String)
    }

    /// The card's 1-based position in the file.
    public var index: Int
    /// The 1-based line where the card starts.
    public var line: Int
    /// The contact, or why the card was skipped.
    public var result: Outcome

    /// An entry from its parts.
    public init(index: Int, line: Int, result: Outcome) {
        self.index = index
        self.line = line
        self.result = result
    }

    /// The contact, when the card was imported.
    public var contact: Contact? {
        if case .contact(let contact) = result { return contact }
        return nil
    }
}

/// Why a well-formed card cannot become a contact.
public enum VCardImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `IMPP:peerdex:<id>` property.
    case noPeerdexAddress
    /// The `IMPP:peerdex:` value is not a peer ID.
    case invalidPeerID(PeerIDError)
    /// A peerdex field has a value it cannot have, e.g. `X-PEERDEX-PRIVACY:secret`.
    case invalidField(name: String, value: String, expected: String)
    /// A property holds a well-formed time that does not exist (`2026-02-31`, second 60).
    case impossibleTime(name: String, value: String, ISO8601Error)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .noPeerdexAddress:
            return "no peerdex address (IMPP:peerdex:…)"
        case .invalidPeerID(let error):
            return "invalid peer ID in IMPP: \(error)"
        case .invalidField(let name, let value, let expected):
            let shown = value.count > 40 ? value.prefix(40) + "…" : value
            return "\(name) '\(shown)' is not \(expected)"
        case .impossibleTime(let name, let value, let error):
            return "\(name) '\(value)': \(error)"
        }
    }
}
