import struct Foundation.Date

/// One attempt to reach a contact: when, where, and how it went.
public struct ConnectionEvent: Hashable, Sendable, Codable {
    /// When the attempt ended.
    public var time: Date
    /// The address tried, as `host:port`.
    public var address: String
    /// How the attempt ended.
    public var outcome: ConnectionOutcome

    /// An event from its parts.
    public init(time: Date, address: String, outcome: ConnectionOutcome) {
        self.time = time
        self.address = address
        self.outcome = outcome
    }
}

/// How a connection attempt ended.
public enum ConnectionOutcome: String, CaseIterable, Codable, Sendable {
    /// The handshake completed.
    case connected
    /// Nothing answered in time.
    case timedOut
    /// The address refused or reset the connection.
    case refused
    /// The peer answered but failed authentication.
    case authenticationFailed
}
