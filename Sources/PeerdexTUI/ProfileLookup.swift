import struct Foundation.Date
import PeerdexCore

/// A peer's profile as its signed DHT record showed it, for the detail view's "Network profile".
public struct NetworkProfile: Hashable, Sendable {
    /// How much of the record we could read.
    public enum Readability: Hashable, Sendable {
        /// A public profile: anyone may read it.
        case open
        /// Sealed for its owner's audience, and opened with a key the owner handed us.
        case opened
        /// Sealed for its owner's audience and closed to us; the reason is one line.
        case sealed(reason: String)
    }

    /// The display name (empty when none, or when sealed).
    public var name: String
    /// The interests (empty when none, or when sealed).
    public var interests: [String]
    /// The general location (empty when none, or when sealed).
    public var location: String
    /// Whether the fields above could be read.
    public var readability: Readability
    /// What asking the owner for its keys gave, when the lookup asked ("asked …: granted 1 key").
    public var keyRequest: String?
    /// The record's sequence number: it rises with every change the owner publishes.
    public var seq: Int64
    /// When the app received the record.
    public var fetchedAt: Date

    /// A profile from its parts.
    public init(
        name: String, interests: [String], location: String, readability: Readability, keyRequest: String? = nil,
        seq: Int64, fetchedAt: Date
    ) {
        self.name = name
        self.interests = interests
        self.location = location
        self.readability = readability
        self.keyRequest = keyRequest
        self.seq = seq
        self.fetchedAt = fetchedAt
    }
}

/// One peer's latest profile lookup (`L`), as the model keeps it for the session.
public struct ProfileLookup: Hashable, Sendable {
    /// Where the lookup stands.
    public enum State: Hashable, Sendable {
        /// Asked; no answer yet.
        case lookingUp
        /// A record was found and verified.
        case found(NetworkProfile)
        /// No node holds a record for this peer.
        case notFound
        /// The lookup could not be made or did not finish, and why.
        case failed(reason: String)
    }

    /// The request of this lookup; an answer to any other is dropped.
    public var request: RequestID
    /// How the peer is named in messages (its display name, else its short peer ID).
    public var peerLabel: String
    /// When the lookup was asked for (the model's clock).
    public var startedAt: Date
    /// When its answer came; nil while looking up.
    public var finishedAt: Date?
    /// Where it stands.
    public var state: State

    /// A lookup just asked for.
    public init(request: RequestID, peerLabel: String, startedAt: Date) {
        self.request = request
        self.peerLabel = peerLabel
        self.startedAt = startedAt
        self.state = .lookingUp
    }

    /// Whether no answer came yet.
    public var isLookingUp: Bool { state == .lookingUp }

    /// Whole seconds since the lookup was asked for, never negative.
    public func elapsedSeconds(now: Date) -> Int {
        max(0, Int(now.timeIntervalSince(startedAt).rounded(.down)))
    }

    /// What the user reads on the detail view when no profile is found.
    public static let notFoundText = "no profile published — the peer may be private or offline"
}
