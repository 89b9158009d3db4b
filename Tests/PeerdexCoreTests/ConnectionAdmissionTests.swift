import Testing

@testable import PeerdexCore

/// Connection counting: the global cap, the per-address cap and the loopback exemption.
@Suite struct ConnectionAdmissionTests {
    @Test func eachAddressHasItsCapAndClosingMakesRoom() {
        var admission = ConnectionAdmission(maximumConnections: 10, maximumPerAddress: 2)
        #expect(admission.admit("192.0.2.1") == nil)
        #expect(admission.admit("192.0.2.1") == nil)
        #expect(admission.admit("192.0.2.1") == .tooManyFromAddress("192.0.2.1", 2))
        #expect(admission.admit("192.0.2.2") == nil, "another address is not affected")
        admission.release("192.0.2.1")
        #expect(admission.admit("192.0.2.1") == nil)
        #expect(admission.openConnections == 3)
        #expect(admission.openConnections(from: "192.0.2.1") == 2)
    }

    @Test func theGlobalCapHoldsForEveryone() {
        var admission = ConnectionAdmission(maximumConnections: 2, maximumPerAddress: 5)
        #expect(admission.admit("192.0.2.1") == nil)
        #expect(admission.admit("192.0.2.2") == nil)
        #expect(admission.admit("192.0.2.3") == .tooManyConnections(2))
        #expect(admission.admit("127.0.0.1") == .tooManyConnections(2), "loopback too")
    }

    @Test func loopbackIsExemptFromThePerAddressCapUnlessItCounts() {
        var exempt = ConnectionAdmission(maximumConnections: 100, maximumPerAddress: 1)
        for address in ["127.0.0.1", "127.0.0.1", "::1", "::1", "127.8.9.10", "127.8.9.10"] {
            #expect(exempt.admit(address) == nil, "\(address)")
        }
        var counted = ConnectionAdmission(maximumConnections: 100, maximumPerAddress: 1, limitLoopback: true)
        #expect(counted.admit("127.0.0.1") == nil)
        #expect(counted.admit("127.0.0.1") == .tooManyFromAddress("127.0.0.1", 1))
    }

    @Test func releasingAnAddressNeverSeenChangesNothing() {
        var admission = ConnectionAdmission(maximumConnections: 1, maximumPerAddress: 1)
        admission.release("192.0.2.9")
        #expect(admission.openConnections == 0)
        #expect(admission.admit("192.0.2.1") == nil)
    }

    @Test func onlyLoopbackAddressesAreLoopback() {
        #expect(ConnectionAdmission.isLoopback("127.0.0.1"))
        #expect(ConnectionAdmission.isLoopback("::1"))
        #expect(ConnectionAdmission.isLoopback("::ffff:127.0.0.1"))
        #expect(!ConnectionAdmission.isLoopback("10.0.0.1"))
        #expect(!ConnectionAdmission.isLoopback("1270::1"))
        #expect(!ConnectionAdmission.isLoopback("::2"))
    }
}
