import Foundation

/// The JSON form of a contact: what `--json`, JSON export and JSON import all speak.
///
/// Field names follow BRIEF §4 (`peerId`, `name`, …); times are ISO 8601 UTC with milliseconds,
/// and absent times are `null`, so that export → import gives back every field exactly.
public struct ContactJSON: Codable, Equatable, Sendable {
    /// The peer ID's text form.
    public var peerId: String
    /// Display name.
    public var name: String
    /// Our alias.
    public var alias: String
    /// Free-text note.
    public var note: String
    /// Interests.
    public var interests: [String]
    /// General location.
    public var location: String
    /// Privacy level name.
    public var privacy: String
    /// Whether the contact is a favorite.
    public var favorite: Bool
    /// Whether the contact is blocked.
    public var blocked: Bool
    /// Whether the contact is a friend.
    public var friend: Bool
    /// When the contact was added.
    public var addedAt: String
    /// When the peer was last seen online.
    public var lastSeen: String?
    /// When we last interacted with the contact.
    public var lastInteraction: String?
    /// When the contact became a favorite.
    public var favoritedAt: String?
    /// When the contact was blocked.
    public var blockedAt: String?
    /// Connection attempts, oldest first; absent in lists, present in `show` and exports.
    public var connectionHistory: [ConnectionJSON]?
    /// How the contact matched a search; present in search results only.
    public var match: String?

    enum CodingKeys: String, CodingKey {
        case peerId, name, alias, note, interests, location, privacy, favorite, blocked, friend, addedAt, lastSeen
        case lastInteraction, favoritedAt, blockedAt, connectionHistory, match
    }

    /// The JSON form of a contact, with its history when given.
    public init(_ contact: Contact, history: [ConnectionEvent]? = nil, match: MatchTier? = nil) {
        peerId = contact.peerID.text
        name = contact.name
        alias = contact.alias
        note = contact.note
        interests = contact.interests
        location = contact.location
        privacy = contact.privacy.rawValue
        favorite = contact.isFavorite
        blocked = contact.isBlocked
        friend = contact.isFriend
        addedAt = ISO8601.string(contact.addedAt)
        lastSeen = contact.lastSeen.map(ISO8601.string)
        lastInteraction = contact.lastInteraction.map(ISO8601.string)
        favoritedAt = contact.favoritedAt.map(ISO8601.string)
        blockedAt = contact.blockedAt.map(ISO8601.string)
        connectionHistory = history?.map(ConnectionJSON.init)
        self.match = match.map { "\($0)" }
    }

    /// A contact with only its peer ID: every other field at the default that reading gives it.
    init(peerId: String) {
        self.peerId = peerId
        name = ""
        alias = ""
        note = ""
        interests = []
        location = ""
        privacy = PrivacyLevel.private.rawValue
        favorite = false
        blocked = false
        friend = false
        addedAt = ""
    }

    /// Reads lenient JSON: only `peerId` is required; missing fields take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        peerId = try container.decode(String.self, forKey: .peerId)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        alias = try container.decodeIfPresent(String.self, forKey: .alias) ?? ""
        note = try container.decodeIfPresent(String.self, forKey: .note) ?? ""
        interests = try container.decodeIfPresent([String].self, forKey: .interests) ?? []
        location = try container.decodeIfPresent(String.self, forKey: .location) ?? ""
        privacy = try container.decodeIfPresent(String.self, forKey: .privacy) ?? PrivacyLevel.private.rawValue
        favorite = try container.decodeIfPresent(Bool.self, forKey: .favorite) ?? false
        blocked = try container.decodeIfPresent(Bool.self, forKey: .blocked) ?? false
        friend = try container.decodeIfPresent(Bool.self, forKey: .friend) ?? false
        addedAt = try container.decodeIfPresent(String.self, forKey: .addedAt) ?? ""
        lastSeen = try container.decodeIfPresent(String.self, forKey: .lastSeen)
        lastInteraction = try container.decodeIfPresent(String.self, forKey: .lastInteraction)
        favoritedAt = try container.decodeIfPresent(String.self, forKey: .favoritedAt)
        blockedAt = try container.decodeIfPresent(String.self, forKey: .blockedAt)
        connectionHistory = try container.decodeIfPresent([ConnectionJSON].self, forKey: .connectionHistory)
        match = nil
    }

    /// Writes every field, with `null` for absent times.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(peerId, forKey: .peerId)
        try container.encode(name, forKey: .name)
        try container.encode(alias, forKey: .alias)
        try container.encode(note, forKey: .note)
        try container.encode(interests, forKey: .interests)
        try container.encode(location, forKey: .location)
        try container.encode(privacy, forKey: .privacy)
        try container.encode(favorite, forKey: .favorite)
        try container.encode(blocked, forKey: .blocked)
        try container.encode(friend, forKey: .friend)
        try container.encode(addedAt, forKey: .addedAt)
        try container.encode(lastSeen, forKey: .lastSeen)
        try container.encode(lastInteraction, forKey: .lastInteraction)
        try container.encode(favoritedAt, forKey: .favoritedAt)
        try container.encode(blockedAt, forKey: .blockedAt)
        try container.encodeIfPresent(connectionHistory, forKey: .connectionHistory)
        try container.encodeIfPresent(match, forKey: .match)
    }

    /// The contact this JSON describes; `defaultAddedAt` fills a missing `addedAt`.
    public func contact(defaultAddedAt: Date) throws(ContactJSONError) -> (Contact, [ConnectionEvent]) {
        let peerID: PeerID
        do { peerID = try PeerID(parsing: peerId) } catch { throw .invalidPeerID(error) }
        guard let privacyLevel = PrivacyLevel(rawValue: privacy) else { throw .invalidPrivacy(privacy) }
        func date(_ text: String?, _ field: String) throws(ContactJSONError) -> Date? {
            guard let text else { return nil }
            do { return try ISO8601.parse(text) } catch { throw .invalidDate(field: field, value: text, error) }
        }
        let added = try date(addedAt.isEmpty ? nil : addedAt, "addedAt") ?? defaultAddedAt
        var contact = Contact(
            peerID: peerID, name: name, alias: alias, note: note, interests: interests, location: location,
            privacy: privacyLevel, isFriend: friend, addedAt: added, lastSeen: try date(lastSeen, "lastSeen"),
            lastInteraction: try date(lastInteraction, "lastInteraction"))
        if favorite { contact.favoritedAt = try date(favoritedAt, "favoritedAt") ?? added }
        if blocked { contact.blockedAt = try date(blockedAt, "blockedAt") ?? added }
        var history = [ConnectionEvent]()
        for event in connectionHistory ?? [] {
            let time: Date
            do { time = try ISO8601.parse(event.time) } catch {
                throw .invalidDate(field: "connectionHistory.time", value: event.time, error)
            }
            guard let outcome = ConnectionOutcome(rawValue: event.outcome) else { throw .invalidOutcome(event.outcome) }
            history.append(ConnectionEvent(time: time, address: event.address, outcome: outcome))
        }
        return (contact, history)
    }
}

/// The JSON form of one connection attempt.
public struct ConnectionJSON: Codable, Equatable, Sendable {
    /// When, in ISO 8601.
    public var time: String
    /// The address tried.
    public var address: String
    /// The outcome's name.
    public var outcome: String

    /// An event from its three fields as written.
    init(time: String, address: String, outcome: String) {
        self.time = time
        self.address = address
        self.outcome = outcome
    }

    /// The JSON form of an event.
    public init(_ event: ConnectionEvent) {
        time = ISO8601.string(event.time)
        address = event.address
        outcome = event.outcome.rawValue
    }
}

/// Why a JSON contact cannot be read; each case reads as one line.
public enum ContactJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer ID is malformed.
    case invalidPeerID(PeerIDError)
    /// The privacy level is not one of the four names.
    case invalidPrivacy(String)
    /// A time is not ISO 8601, or names an instant that does not exist (`2026-02-31`).
    case invalidDate(field: String, value: String, ISO8601Error)
    /// A connection outcome is unknown.
    case invalidOutcome(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .invalidPeerID(let error): return "invalid peer ID: \(error)"
        case .invalidPrivacy(let value):
            return "unknown privacy level '\(value)' (expected public, contacts, friends or private)"
        case .invalidDate(let field, let value, .malformed): return "\(field) '\(value)' is not an ISO 8601 time"
        case .invalidDate(let field, let value, let error): return "\(field) '\(value)': \(error)"
        case .invalidOutcome(let value): return "unknown connection outcome '\(value)'"
        }
    }
}
