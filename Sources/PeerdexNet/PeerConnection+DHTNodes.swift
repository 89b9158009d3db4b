import PeerdexCore

// MARK: - Asking a rendezvous server

extension PeerConnection {
    /// Asks the peer, a rendezvous server, for at most `max` DHT nodes to join through (capped
    /// at `RendezvousProtocol.maximumNodes`); the nodes its reply holds, checked entry by entry.
    /// A peer that is not a rendezvous server refuses with `NetError.remote` (UNKNOWN_MESSAGE).
    public func dhtNodes(max: Int = RendezvousProtocol.maximumNodes, timeout: Duration? = nil) async throws
        -> WireDhtNodesReply.Decoded
    {
        let request = WireDhtNodesRequest(max: max)
        let response = try await self.request(.dhtNodesRequest(request), timeout: timeout)
        guard case .dhtNodesReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        return reply.decodedNodes(limit: Int(request.max))
    }
}
