import struct Foundation.Date

/// Contacts as vCards: standard properties where one fits, `X-PEERDEX-*` for the rest.
///
/// `FN` is the name (the peer ID stands in when the name is empty, since FN is required),
/// `NICKNAME` the alias, `NOTE` the note, `CATEGORIES` the interests and `IMPP:peerdex:<id>` the
/// peer ID, which is how a peerdex address travels in other address books. Times are ISO 8601 UTC
/// with milliseconds, so export → import gives back an equal `Contact`, with two exceptions:
/// carriage returns in text come back as newlines (vCard text cannot carry them, see
/// `VCardText.escape`), and a name equal to the peer ID text comes back empty.
extension Contact {
    /// Names of the peerdex extension properties.
    enum VCardField {
        static let location = "X-PEERDEX-LOCATION"
        static let privacy = "X-PEERDEX-PRIVACY"
        static let friend = "X-PEERDEX-FRIEND"
        static let favorited = "X-PEERDEX-FAVORITED"
        static let blocked = "X-PEERDEX-BLOCKED"
        static let added = "X-PEERDEX-ADDED"
        static let lastSeen = "X-PEERDEX-LAST-SEEN"
        static let lastInteraction = "X-PEERDEX-LAST-INTERACTION"
        static let imppScheme = "peerdex:"
    }

    // MARK: - Export

    /// The contact as a vCard; empty fields and unset times are left out.
    public var vCard: VCard {
        var card = VCard(version: "4.0")
        card.append(VCardProperty(name: "FN", text: name.isEmpty ? peerID.text : name))
        if !alias.isEmpty { card.append(VCardProperty(name: "NICKNAME", text: alias)) }
        if !note.isEmpty { card.append(VCardProperty(name: "NOTE", text: note)) }
        if !interests.isEmpty { card.append(VCardProperty(name: "CATEGORIES", list: interests)) }
        card.append(VCardProperty(name: "IMPP", value: VCardField.imppScheme + peerID.text))
        if !location.isEmpty { card.append(VCardProperty(name: VCardField.location, text: location)) }
        card.append(VCardProperty(name: VCardField.privacy, value: privacy.rawValue))
        if isFriend { card.append(VCardProperty(name: VCardField.friend, value: "true")) }
        let times: [(String, Date?)] = [
            (VCardField.favorited, favoritedAt), (VCardField.blocked, blockedAt), (VCardField.added, addedAt),
            (VCardField.lastSeen, lastSeen), (VCardField.lastInteraction, lastInteraction),
        ]
        for case (let field, let date?) in times {
            card.append(VCardProperty(name: field, value: ISO8601.string(date)))
        }
        return card
    }

    /// The contacts as one vCard 4.0 file, in the given order.
    public static func vCardText(for contacts: [Contact]) -> String {
        VCardPrinter.print(contacts.map(\.vCard))
    }

    // MARK: - Import

    /// Reads a contact from a card; `defaultAddedAt` is used when the card has no `X-PEERDEX-ADDED`.
    ///
    /// Cards from other programs work too: `N` stands in for a missing `FN` and the `ADR` locality
    /// for a missing location. Only the peer ID is required.
    public init(vCard card: VCard, defaultAddedAt: Date) throws(VCardImportError) {
        let peerID = try Self.peerID(in: card)
        var name = card.first("FN")?.text ?? Self.formattedName(card.first("N"))
        if name == peerID.text { name = "" }
        var privacy = PrivacyLevel.private
        if let raw = card.first(VCardField.privacy)?.text {
            guard let level = PrivacyLevel(rawValue: raw.trimmingWhitespace().lowercased()) else {
                let levels = PrivacyLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidField(name: VCardField.privacy, value: raw, expected: "one of \(levels)")
            }
            privacy = level
        }
        self.init(
            peerID: peerID,
            name: name,
            alias: card.first("NICKNAME")?.text ?? "",
            note: card.first("NOTE")?.text ?? "",
            interests: card.properties(named: "CATEGORIES").flatMap(\.list),
            location: card.first(VCardField.location)?.text ?? Self.locality(card.first("ADR")),
            privacy: privacy,
            isFriend: try Self.flag(VCardField.friend, in: card),
            favoritedAt: try Self.time(VCardField.favorited, in: card),
            blockedAt: try Self.time(VCardField.blocked, in: card),
            addedAt: try Self.time(VCardField.added, in: card) ?? defaultAddedAt,
            lastSeen: try Self.time(VCardField.lastSeen, in: card),
            lastInteraction: try Self.time(VCardField.lastInteraction, in: card)
        )
    }

    /// Reads every card of a file: a contact per usable card, a reason per skipped one, in order.
    public static func importVCardText(
        _ text: String,
        defaultAddedAt: Date,
        parser: VCardParser = VCardParser()
    ) -> [VCardImportEntry] {
        parser.parse(text).map { parsed in
            let outcome: VCardImportEntry.Outcome
            switch parsed.result {
            case .failure(let error):
                outcome = .skipped(reason: error.message)
            case .success(let card):
                do throws(VCardImportError) {
                    outcome = .contact(try Contact(vCard: card, defaultAddedAt: defaultAddedAt))
                } catch {
                    outcome = .skipped(reason: error.description)
                }
            }
            return VCardImportEntry(index: parsed.index, line: parsed.line, result: outcome)
        }
    }

    // MARK: - Fields

    /// The peer ID of the most preferred `IMPP:peerdex:` property (scheme in any case).
    private static func peerID(in card: VCard) throws(VCardImportError) -> PeerID {
        let candidates = card.properties(named: "IMPP").enumerated().filter { _, property in
            property.value.trimmingWhitespace().lowercased().hasPrefix(VCardField.imppScheme)
        }
        // Lowest PREF first; among equals, file order.
        guard let best = candidates.min(by: { lhs, rhs in
            (lhs.element.preference ?? .max, lhs.offset) < (rhs.element.preference ?? .max, rhs.offset)
        }) else { throw .noPeerdexAddress }
        var address = best.element.value.trimmingWhitespace().dropFirst(VCardField.imppScheme.count)
        if address.hasPrefix("//") { address = address.dropFirst(2) }
        address = address.prefix { $0 != "@" && $0 != "?" && $0 != "/" }
        do { return try PeerID(parsing: address) } catch { throw .invalidPeerID(error) }
    }

    /// `N` (family;given;additional;prefix;suffix) as "prefix given additional family suffix".
    private static func formattedName(_ property: VCardProperty?) -> String {
        guard let fields = property?.structured else { return "" }
        let order = [3, 1, 2, 0, 4]
        return order.filter { $0 < fields.count }.flatMap { fields[$0] }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// The `ADR` locality (city), else its region.
    private static func locality(_ property: VCardProperty?) -> String {
        guard let fields = property?.structured else { return "" }
        for index in [3, 4] where index < fields.count {
            let text = fields[index].joined(separator: ", ")
            if !text.isEmpty { return text }
        }
        return ""
    }

    private static func flag(_ field: String, in card: VCard) throws(VCardImportError) -> Bool {
        guard let raw = card.first(field)?.text else { return false }
        switch raw.trimmingWhitespace().lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0", "": return false
        default: throw .invalidField(name: field, value: raw, expected: "true or false")
        }
    }

    private static func time(_ field: String, in card: VCard) throws(VCardImportError) -> Date? {
        guard let raw = card.first(field)?.text else { return nil }
        do {
            return try ISO8601.parse(raw)
        } catch .malformed {
            throw .invalidField(name: field, value: raw, expected: "an ISO 8601 time like 2026-11-26T03:10:48.123Z")
        } catch {
            throw .impossibleTime(name: field, value: raw, error)
        }
    }
}
