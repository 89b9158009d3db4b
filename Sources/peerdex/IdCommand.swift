import ArgumentParser
import PeerdexApp

extension Peerdex {
    /// `peerdex id`: print our peer ID and invite.
    struct Id: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print your peer ID and invite (created on first use).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print a JSON object with peerId and invite.") var json = false
        @OptionGroup var qrOptions: QROptions

        func validate() throws {
            if json, qrOptions.qr { throw ValidationError("--json and --qr cannot be used together") }
        }

        func run() throws {
            let book = try global.openBook()
            let invite = book.identity.invite()
            if json {
                try Output.json(["peerId": invite.peerID.text, "invite": invite.url])
            } else if qrOptions.qr {
                try QRPrinting.print(["peer ID  \(invite.peerID)", "invite   \(invite.url)"], thenQRCodeOf: invite, options: qrOptions)
            } else {
                print("peer ID  \(invite.peerID)")
                print("invite   \(invite.url)")
            }
        }
    }
}
