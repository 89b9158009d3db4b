import Foundation
import PeerdexCore

/// Why a network operation failed; each case reads as one line.
public enum NetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The TCP connection could not be made.
    case connectFailed(address: String, reason: String)
    /// The handshake ended: framing, decryption or identity (the session says which).
    case handshakeFailed(NoiseSession.Failure)
    /// The handshake did not finish in time.
    case handshakeTimedOut(Duration)
    /// The connection closed (the peer went away, or we closed it) before an answer came.
    case connectionClosed
    /// A request got no response in time.
    case requestTimedOut(Duration)
    /// The peer answered with an error.
    case remote(code: WireErrorCode, message: String, retryAfterMilliseconds: UInt32)
    /// The peer answered, but not with what the request asks for.
    case unexpectedResponse(String)
    /// The peer sent something that is not an envelope; the connection was closed.
    case malformedMessage(WireDecodingError)
    /// The node is shutting down (or not running) and makes no new requests or connections.
    case notRunning
    /// The listener could not be opened.
    case listenFailed(address: String, reason: String)

    /// One line for a person.
    public var description: String {
        switch self {
        case .connectFailed(let address, let reason): return "cannot connect to \(address): \(reason)"
        case .handshakeFailed(let failure): return "handshake failed: \(failure)"
        case .handshakeTimedOut(let timeout): return "handshake not finished within \(timeout.seconds.formatted) s"
        case .connectionClosed: return "the connection closed"
        case .requestTimedOut(let timeout): return "no answer within \(timeout.seconds.formatted) s"
        case .remote(let code, let message, _): return "the peer refused (\(code.name)): \(message)"
        case .unexpectedResponse(let name): return "the peer answered with an unexpected \(name)"
        case .malformedMessage(let error): return "the peer sent garbage: \(error)"
        case .notRunning: return "the node is not running"
        case .listenFailed(let address, let reason): return "cannot listen on \(address): \(reason)"
        }
    }
}

extension WireErrorCode {
    /// The code's name as docs/PROTOCOL.md spells it.
    public var name: String {
        switch self {
        case .unspecified: return "UNSPECIFIED"
        case .unknownMessage: return "UNKNOWN_MESSAGE"
        case .unsupportedVersion: return "UNSUPPORTED_VERSION"
        case .badRequest: return "BAD_REQUEST"
        case .rateLimited: return "RATE_LIMITED"
        case .busy: return "BUSY"
        case .shuttingDown: return "SHUTTING_DOWN"
        case .internal: return "INTERNAL"
        case .UNRECOGNIZED(let value): return "code \(value)"
        }
    }
}

extension Double {
    /// Up to three decimals, without trailing zeros.
    var formatted: String {
        var text = String(format: "%.3f", self)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
