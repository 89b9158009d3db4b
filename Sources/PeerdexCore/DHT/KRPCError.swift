/// A KRPC error reply (`"y": "e"`): `"e": [code, message]` (BEP 5, codes from BEP 5 and BEP 44).
public struct KRPCErrorReply: Error, Sendable, Equatable {
    /// The error code; see `Code`.
    public var code: Int
    /// Human-readable text (decoded as UTF-8, invalid sequences replaced).
    public var message: String

    /// A reply from its parts.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// The error codes of BEP 5 (2xx) and BEP 44 (205–207, 3xx).
    public enum Code {
        /// 201: a generic error.
        public static let generic = 201
        /// 202: a server error.
        public static let server = 202
        /// 203: a protocol error: a malformed packet, invalid arguments or a bad token.
        public static let protocolError = 203
        /// 204: the method is unknown.
        public static let methodUnknown = 204
        /// 205 (BEP 44): the message (`v`) is too big.
        public static let messageTooBig = 205
        /// 206 (BEP 44): the signature does not verify.
        public static let invalidSignature = 206
        /// 207 (BEP 44): the salt is too big.
        public static let saltTooBig = 207
        /// 301 (BEP 44): `cas` does not match the stored sequence number.
        public static let compareAndSwapMismatch = 301
        /// 302 (BEP 44): the sequence number is less than the stored one.
        public static let sequenceNumberLessThanCurrent = 302
    }
}

/// What is wrong with one field of a message that is otherwise KRPC; `field` is a path such as
/// `a.id` or `r.nodes`.
public enum KRPCMalformation: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required field is absent (or a BEP 44 field that another one needs, such as `a.sig`
    /// beside `a.k`).
    case missingField(String)
    /// The field has another bencode type than the one it must have.
    case wrongType(String)
    /// A byte string of the wrong length (an ID not of 20 bytes, nodes not a whole number of
    /// entries, a compact address not of 6 or 18 bytes); carries the length seen.
    case wrongLength(String, Int)
    /// An integer outside its range (a port, a negative sequence number); carries the value.
    case outOfRange(String, Int64)
    /// `y` is none of `q`, `r`, `e`; carries what it was.
    case unknownMessageType([UInt8])

    /// What is wrong, for logs and for the text of a 203 reply.
    public var description: String {
        switch self {
        case .missingField(let field): "missing \(field)"
        case .wrongType(let field): "\(field) has the wrong type"
        case .wrongLength(let field, let length): "\(field) has the wrong length (\(length) bytes)"
        case .outOfRange(let field, let value): "\(field) is out of range (\(value))"
        case .unknownMessageType(let type):
            "unknown message type \(String(decoding: type, as: UTF8.self).debugDescription)"
        }
    }
}

/// Why a datagram is not a KRPC message this node accepts, and whether it can be answered.
///
/// The first three cases leave nothing to answer (libtorrent does not answer them either: no
/// amplification for junk). A malformed query or an unknown method carries the transaction ID so
/// that the engine answers 203 or 204 (`errorReply`); a malformed response carries it so that the
/// engine can fail the request it answers.
public enum KRPCDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not one canonical bencoded value within `KRPCMessage.decodingLimits`.
    case notBencode(BencodeError)
    /// Bencode, but not a dictionary.
    case notADictionary
    /// `t` is missing, not a byte string, or not 1...16 bytes long.
    case invalidTransactionID
    /// A query (`y` = `q`) for a known method, with a field missing or wrong: answer 203.
    case malformedQuery(transactionID: [UInt8], reason: KRPCMalformation)
    /// A query for a method this codec does not know (the name decoded as UTF-8): answer 204.
    case unknownMethod(transactionID: [UInt8], method: String)
    /// A response, an error reply, or a message whose `y` is missing or unknown, with a field
    /// missing or wrong: answer nothing.
    case malformedResponse(transactionID: [UInt8], reason: KRPCMalformation)

    /// The transaction ID, when it could be read.
    public var transactionID: [UInt8]? {
        switch self {
        case .notBencode, .notADictionary, .invalidTransactionID: nil
        case .malformedQuery(let id, _), .unknownMethod(let id, _), .malformedResponse(let id, _): id
        }
    }

    /// The error to send back, if this was a query that deserves one: 203 for a malformed query,
    /// 204 for an unknown method.
    public var errorReply: KRPCErrorReply? {
        switch self {
        case .malformedQuery(_, let reason):
            KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "\(reason)")
        case .unknownMethod: KRPCErrorReply(code: KRPCErrorReply.Code.methodUnknown, message: "method unknown")
        case .notBencode, .notADictionary, .invalidTransactionID, .malformedResponse: nil
        }
    }

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .notBencode(let error): "not a KRPC message: \(error)"
        case .notADictionary: "not a KRPC message: not a dictionary"
        case .invalidTransactionID: "KRPC message without a valid transaction ID"
        case .malformedQuery(_, let reason): "malformed KRPC query: \(reason)"
        case .unknownMethod(_, let method): "KRPC query for an unknown method \(method.debugDescription)"
        case .malformedResponse(_, let reason): "malformed KRPC message: \(reason)"
        }
    }
}
