import Testing

@testable import PeerdexCore

@Suite struct InviteTests {
    let id = try! PeerID(publicKey: (0..<32).map { UInt8($0) })

    @Test func bareIDIsAnInvite() throws {
        let invite = try Invite(parsing: id.text)
        #expect(invite == Invite(peerID: id))
        #expect(invite.url == "peerdex://\(id.text)")
    }

    @Test func fullInviteRoundTrips() throws {
        let invite = Invite(peerID: id, address: HostPort(host: "127.0.0.1", port: 4001), name: "Zoë & Co/1")
        #expect(invite.url.contains("?name=Zo%C3%AB%20%26%20Co%2F1"))
        #expect(try Invite(parsing: invite.url) == invite)
    }

    @Test func ipv6AddressesKeepTheirBrackets() throws {
        let invite = try Invite(parsing: "peerdex://\(id.text)@[::1]:9000")
        #expect(invite.address == HostPort(host: "::1", port: 9000))
        #expect(invite.url == "peerdex://\(id.text)@[::1]:9000")
    }

    @Test func badPartsAreNamed() {
        #expect(throws: InviteError.address(.badPort("99999"))) {
            try Invite(parsing: "peerdex://\(id.text)@host:99999")
        }
        #expect(throws: InviteError.address(.missingPort("host"))) { try Invite(parsing: "peerdex://\(id.text)@host") }
        #expect(throws: InviteError.wrongScheme("https")) { try Invite(parsing: "https://\(id.text)") }
        #expect(throws: InviteError.peerID(.wrongLength(55))) {
            try Invite(parsing: "peerdex://\(id.text.dropLast())?name=x")
        }
        #expect(throws: InviteError.badName("%ZZ")) { try Invite(parsing: "peerdex://\(id.text)?name=%ZZ") }
    }

    @Test func percentEncodingRoundTripsUnicode() {
        for text in ["東京タワー", "a b+c", "😀‍", "100%"] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
        }
    }
}
