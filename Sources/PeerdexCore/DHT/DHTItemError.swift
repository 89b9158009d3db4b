/// Why a BEP 44 item is invalid or a `put` is refused, with the KRPC error code to answer.
///
/// The codes and their order of checking follow libtorrent's `node.cpp` (the reference
/// implementation), so that a libtorrent client sees the same answers from us as from its own kind:
/// a malformed field is 203, then 205 (value), 207 (salt), 203 (negative `seq`), 206 (signature),
/// and for a stored item 301 (CAS) before 302 (sequence number).
public enum DHTItemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The public key `k` is not 32 bytes (203, as libtorrent's argument check answers).
    case invalidPublicKeyLength(Int)
    /// The signature `sig` is not 64 bytes (203).
    case invalidSignatureLength(Int)
    /// The bencoded value is over 1,000 bytes (205); carries its length.
    case valueTooBig(Int)
    /// The salt is over 64 bytes (207); carries its length.
    case saltTooBig(Int)
    /// `seq` is negative (203, as libtorrent: BEP 44 lets a node refuse it).
    case negativeSequenceNumber(Int64)
    /// The value bytes are not one canonical bencoded value, or nest deeper than
    /// `MutableItem.valueLimits` allows (203).
    case malformedValue
    /// The signature does not verify for `k`, `salt`, `seq` and `v` (206).
    case invalidSignature
    /// `cas` is not the sequence number stored (301); carries the stored one.
    case compareAndSwapMismatch(stored: Int64)
    /// `seq` is lower than the stored one, or equal with another value (302); carries the stored one.
    case sequenceNumberNotNewer(stored: Int64)
    /// Too many puts from this source lately (202). libtorrent answers nothing to a flooding
    /// address (its DoS blocker drops the packets); the engine may do the same.
    case rateLimited
    /// Signing failed in the crypto library (202); not expected in practice.
    case signingFailed

    /// The KRPC error code for the reply: BEP 5's 202/203, BEP 44's 205–207 and 301–302.
    public var krpcCode: Int {
        switch self {
        case .invalidPublicKeyLength, .invalidSignatureLength, .negativeSequenceNumber, .malformedValue: 203
        case .valueTooBig: 205
        case .invalidSignature: 206
        case .saltTooBig: 207
        case .compareAndSwapMismatch: 301
        case .sequenceNumberNotNewer: 302
        case .rateLimited, .signingFailed: 202
        }
    }

    /// The text for the KRPC error reply (libtorrent's wording where it has one).
    public var krpcMessage: String {
        switch self {
        case .invalidPublicKeyLength: "invalid public key length"
        case .invalidSignatureLength: "invalid signature length"
        case .valueTooBig: "message too big"
        case .saltTooBig: "salt too big"
        case .negativeSequenceNumber: "invalid (negative) sequence number"
        case .malformedValue: "malformed value"
        case .invalidSignature: "invalid signature"
        case .compareAndSwapMismatch: "CAS mismatch"
        case .sequenceNumberNotNewer: "old sequence number"
        case .rateLimited: "rate limited"
        case .signingFailed: "signing failed"
        }
    }

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .invalidPublicKeyLength(let length): "public key of \(length) bytes, not 32"
        case .invalidSignatureLength(let length): "signature of \(length) bytes, not 64"
        case .valueTooBig(let length): "value of \(length) bytes, over 1000"
        case .saltTooBig(let length): "salt of \(length) bytes, over 64"
        case .negativeSequenceNumber(let seq): "negative sequence number \(seq)"
        case .malformedValue: "value is not one canonical bencoded value"
        case .invalidSignature: "signature does not verify"
        case .compareAndSwapMismatch(let stored): "cas does not match the stored seq \(stored)"
        case .sequenceNumberNotNewer(let stored): "seq is not newer than the stored \(stored)"
        case .rateLimited: "too many puts from this address"
        case .signingFailed: "signing failed"
        }
    }
}
