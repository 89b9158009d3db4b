import PeerdexCore

// MARK: - Replicating results to a discovery peer

extension PeerConnection {
    /// Hands the peer, a discovery peer, the stranger answer to a popular query; returns once it
    /// acknowledges. Throws `NetError.remote` when it refuses (not a discovery peer of its own,
    /// over its rate, a message it finds invalid) and `NetError.unexpectedResponse` for any other answer.
    public func replicate(_ message: WireReplicatedResults, timeout: Duration? = nil) async throws {
        let response = try await request(.replicatedResults(message), timeout: timeout)
        guard case .replicatedResultsAck = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
    }
}

extension PeerdexNode {
    /// Dials `peer` (or reuses its pooled connection, checking its peer ID) and replicates
    /// `message` to it within `timeout`; false for any failure, which only costs the receiver a copy.
    public func replicate(_ message: WireReplicatedResults, to peer: DiscoveryPeer, timeout: Duration) async -> Bool {
        let address = PeerAddress(
            HostPort(host: "\(peer.endpoint.ip)", port: Int(peer.endpoint.port)), peerID: peer.peerID)
        do {
            try await connection(to: address).replicate(message, timeout: timeout)
            return true
        } catch {
            return false
        }
    }
}
