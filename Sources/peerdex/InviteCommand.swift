import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex invite`: our invite, with the address the running node can be reached at.
    ///
    /// Not named `Invite`: inside `Peerdex` that would hide PeerdexCore's `Invite` from every
    /// other command.
    struct InviteCommand: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite",
            abstract: "Print your invite with the address your running node listens on.",
            discussion: """
                The address is the first one the node running for this data directory ('peerdex node' \
                or the TUI) can be reached at: the host it is bound to, or, bound to every interface, \
                this machine's first non-loopback address (IPv4 first). The node says where it listens \
                in <data-dir>/node.json while it runs. With no node running, the invite carries no \
                address and a note says so on stderr (exit status 0). --address HOST:PORT gives the \
                address yourself (a router's forwarded port, a DNS name). --qr draws it as a QR code \
                below the text; in a terminal too small for the code it exits with the size it needs.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The address to put in the invite instead of the running node's.", valueName: "host:port"))
        var address: String?
        @OptionGroup var qrOptions: QROptions
        @Flag(help: "Print a JSON object with peerId, invite and address (null when none).") var json = false

        func validate() throws {
            _ = try givenAddress()
            if json, qrOptions.qr { throw ValidationError("--json and --qr cannot be used together") }
        }

        private func givenAddress() throws -> HostPort? {
            guard let address else { return nil }
            do { return try HostPort(parsing: address) } catch { throw ValidationError("--address: \(error)") }
        }

        func run() throws {
            let book = try global.openBook()
            let choice = InviteAddress.choose(for: book.dataDirectory, override: try givenAddress())
            if let warning = choice.warning { Output.warn("peerdex: \(warning)") }
            let invite = book.identity.invite(address: choice.address)
            if json {
                try Output.json(InviteJSON(peerId: invite.peerID.text, invite: invite.url, address: choice.address?.description))
            } else if qrOptions.qr {
                try QRPrinting.print([invite.url], thenQRCodeOf: invite, options: qrOptions)
            } else {
                print(invite.url)
            }
        }
    }
}

/// `peerdex invite --json`: `address` is written as null when there is none.
private struct InviteJSON: Encodable {
    var peerId: String
    var invite: String
    var address: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(peerId, forKey: .peerId)
        try container.encode(invite, forKey: .invite)
        try container.encode(address, forKey: .address)
    }

    private enum CodingKeys: String, CodingKey { case peerId, invite, address }
}
