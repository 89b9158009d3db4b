extension KRPCMessage {
    /// A query, stamped with peerdex's client version unless told otherwise.
    public static func query(
        _ query: KRPCQuery, transactionID: [UInt8], readOnly: Bool = false,
        clientVersion: [UInt8]? = KRPCMessage.peerdexVersion
    ) -> KRPCMessage {
        KRPCMessage(transactionID: transactionID, kind: .query(query), clientVersion: clientVersion, readOnly: readOnly)
    }

    /// The response to the query of `transactionID`, telling the requester the address it was
    /// seen at (BEP 42) when given.
    public static func response(
        _ response: KRPCResponse, transactionID: [UInt8], requesterAddress: DHTEndpoint? = nil,
        clientVersion: [UInt8]? = KRPCMessage.peerdexVersion
    ) -> KRPCMessage {
        KRPCMessage(
            transactionID: transactionID, kind: .response(response), clientVersion: clientVersion,
            requesterAddress: requesterAddress)
    }

    /// The error reply to the query of `transactionID`; see `KRPCErrorReply.Code`.
    public static func error(
        code: Int, message: String, transactionID: [UInt8], requesterAddress: DHTEndpoint? = nil,
        clientVersion: [UInt8]? = KRPCMessage.peerdexVersion
    ) -> KRPCMessage {
        KRPCMessage(
            transactionID: transactionID, kind: .error(KRPCErrorReply(code: code, message: message)),
            clientVersion: clientVersion, requesterAddress: requesterAddress)
    }

    /// The reply a datagram that failed to decode deserves (203 for a malformed query, 204 for an
    /// unknown method), or nil when it deserves none.
    public static func errorReply(
        to failure: KRPCDecodeError, requesterAddress: DHTEndpoint? = nil,
        clientVersion: [UInt8]? = KRPCMessage.peerdexVersion
    ) -> KRPCMessage? {
        guard let reply = failure.errorReply, let transactionID = failure.transactionID else { return nil }
        return error(
            code: reply.code, message: reply.message, transactionID: transactionID, requesterAddress: requesterAddress,
            clientVersion: clientVersion)
    }

    /// The query, if this is one.
    public var query: KRPCQuery? { if case .query(let query) = kind { query } else { nil } }
    /// The response, if this is one.
    public var response: KRPCResponse? { if case .response(let response) = kind { response } else { nil } }
    /// The error reply, if this is one.
    public var errorReply: KRPCErrorReply? { if case .error(let reply) = kind { reply } else { nil } }
}
