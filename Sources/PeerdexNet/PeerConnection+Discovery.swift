import PeerdexCore

// MARK: - Asking a peer for discovery

extension PeerConnection {
    /// Asks the peer for its profile: nil when it has nothing for us (whatever the reason, which
    /// it does not tell); throws `NetError.unexpectedResponse` for a reply whose fields break a
    /// profile's limits.
    public func requestProfile(timeout: Duration? = nil) async throws -> DiscoveredPeer? {
        let response = try await request(.profileRequest(WireProfileRequest()), timeout: timeout)
        guard case .profileReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        do {
            return try reply.validated(from: peer.peerID)
        } catch {
            throw NetError.unexpectedResponse("profileReply: \(error)")
        }
    }

    /// Asks the peer for the keys of its audiences we belong to, checked grant by grant (keep
    /// them with `AudienceKeyring.receive(_:from:now:)` under `peer.peerID`).
    public func requestAudienceKeys(timeout: Duration? = nil) async throws -> WireAudienceKeysReply.Decoded {
        let response = try await request(.audienceKeysRequest(WireAudienceKeysRequest()), timeout: timeout)
        guard case .audienceKeysReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        return reply.decodedKeys()
    }

    /// Asks the peer, a discovery peer, for profiles matching `query` (at most `query.max`,
    /// capped at `DiscoveryProtocol.maximumResults`): its results, or "busy" and its referrals,
    /// checked entry by entry.
    public func query(_ query: WirePeerQuery, timeout: Duration? = nil) async throws -> WirePeerQueryReply.Decoded {
        let response = try await request(.peerQuery(query), timeout: timeout)
        guard case .peerQueryReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        return reply.decoded(from: peer.peerID, limit: DiscoveryProtocol.granted(query.max))
    }
}
