import Foundation
import SwiftProtobuf

extension WireEnvelope {
    /// A request of this protocol version.
    public static func request(id: UInt64, _ body: OneOf_Body) -> WireEnvelope {
        var envelope = WireEnvelope()
        envelope.version = WireProtocol.version
        envelope.requestID = id
        envelope.kind = .request
        envelope.body = body
        return envelope
    }

    /// The response to request `id`.
    public static func response(id: UInt64, _ body: OneOf_Body) -> WireEnvelope {
        var envelope = request(id: id, body)
        envelope.kind = .response
        return envelope
    }

    /// The error response to request `id`.
    public static func error(
        id: UInt64, _ code: WireErrorCode, _ message: String, retryAfterMilliseconds: UInt32 = 0
    ) -> WireEnvelope {
        var reply = WireErrorReply()
        reply.code = code
        reply.message = message
        reply.retryAfterMs = retryAfterMilliseconds
        return response(id: id, .error(reply))
    }

    /// Decodes one envelope from a transport message's plaintext; protobuf's own bounds hold
    /// (nesting depth 100), and the frame already bounds its size.
    public init(wire bytes: [UInt8]) throws(WireDecodingError) {
        guard bytes.count <= WireProtocol.maximumEnvelopeLength else { throw .tooLong(bytes.count) }
        do {
            self = try WireEnvelope(serializedBytes: bytes)
        } catch {
            throw .malformed
        }
    }

    /// The envelope's bytes, to seal and send.
    public func wireBytes() -> [UInt8] {
        // Encoding a message built from valid fields cannot fail.
        (try? serializedBytes()) ?? []
    }

    /// The body's name for logs and error replies (`unknown` for one from a newer schema).
    public var bodyName: String {
        switch body {
        case .ping: return "ping"
        case .pong: return "pong"
        case .error: return "error"
        case .dhtNodesRequest: return "dhtNodesRequest"
        case .dhtNodesReply: return "dhtNodesReply"
        case .profileRequest: return "profileRequest"
        case .profileReply: return "profileReply"
        case .audienceKeysRequest: return "audienceKeysRequest"
        case .audienceKeysReply: return "audienceKeysReply"
        case .peerQuery: return "peerQuery"
        case .peerQueryReply: return "peerQueryReply"
        case .replicatedResults: return "replicatedResults"
        case .replicatedResultsAck: return "replicatedResultsAck"
        case .nearbyProbe: return "nearbyProbe"
        case .nearbyProbeReply: return "nearbyProbeReply"
        case nil: return "unknown"
        }
    }
}

/// Why a transport message is not an envelope.
public enum WireDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a protobuf `Envelope`.
    case malformed
    /// More bytes than any envelope may have.
    case tooLong(Int)

    /// One line for the log.
    public var description: String {
        switch self {
        case .malformed: return "a message is not a protobuf Envelope"
        case .tooLong(let count): return "a message of \(count) bytes is over the envelope limit"
        }
    }
}
