import Foundation
import PeerdexCore

// MARK: - Probing a peer for its nearby advertisement

extension PeerConnection {
    /// Asks the peer for its signed nearby advertisement (`NearbyProbe`): its TXT strings, empty
    /// when it shows itself to nobody or not to us. Throws `NetError.unexpectedResponse` for any
    /// other reply or one over the TXT record's limits (checked again, with the signature, by
    /// `NearbyAdvertisement(txtStrings:)`).
    public func probeNearby(timeout: Duration? = nil) async throws -> [[UInt8]] {
        let response = try await request(.nearbyProbe(WireNearbyProbe()), timeout: timeout)
        guard case .nearbyProbeReply(let reply) = response.body else {
            throw NetError.unexpectedResponse(response.bodyName)
        }
        guard reply.txt.count <= NearbyAdvertisement.maximumStringCount,
            reply.txt.allSatisfy({ $0.count <= NearbyAdvertisement.maximumStringBytes })
        else {
            throw NetError.unexpectedResponse("nearbyProbeReply: over the TXT record's limits")
        }
        return reply.txt.map { Array($0) }
    }
}
