import Testing

@testable import PeerdexCore
@testable import PeerdexNet

/// A peer's PONG is untrusted: its load is read into 0–1 whatever it says (the fuzzer found the
/// NaN a float field can carry).
@Suite struct PingReplyTests {
    @Test(arguments: [(Double.nan, 1.0), (-3, 0), (7, 1), (0.5, 0.5), (.infinity, 1), (-.infinity, 0)])
    func theLoadIsClampedIntoZeroToOne(said: Double, read: Double) {
        let peer = NodeHarness.identity().peerID
        #expect(PingReply(peer: peer, load: said, capabilities: [], agent: "", roundTrip: .zero).load == read)
    }
}
