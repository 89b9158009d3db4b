import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexNet

extension Peerdex {
    /// `peerdex ping`: handshake with a peer and time PINGs to it.
    struct Ping: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dial a peer, prove its identity and time round trips.",
            discussion: """
                TARGET is HOST:PORT, or an invite (peerdex://<peer-id>@HOST:PORT), in which case \
                the peer must prove it holds that peer ID. Prints the peer ID, the handshake time, \
                its load and capabilities, and each round trip. Exits non-zero if the peer cannot \
                be reached or no ping is answered. The ping introduces itself with a throwaway \
                identity, so the pinged node learns nothing about who asked.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("HOST:PORT or an invite with an address.", valueName: "target"))
        var target: String
        @Option(name: .shortAndLong, help: "Pings to send.") var count = 3
        @Option(help: ArgumentHelp("Seconds between pings.", valueName: "seconds")) var interval = 0.2
        @Option(help: ArgumentHelp("Seconds to wait for the connection and for each answer.", valueName: "seconds"))
        var timeout = 5.0
        @Flag(help: "Print one JSON object: peerId, address, handshakeMs, agent, load, capabilities, roundTripsMs, lost.")
        var json = false

        func validate() throws {
            _ = try address()
            guard (1...100_000).contains(count) else { throw ValidationError("--count must be from 1 to 100000") }
            guard interval >= 0, timeout > 0 else { throw ValidationError("--interval and --timeout must be positive") }
        }

        private func address() throws -> PeerAddress {
            if target.lowercased().hasPrefix(Invite.scheme + "://") {
                let invite: Invite
                do { invite = try Invite(parsing: target) } catch { throw ValidationError("\(error)") }
                guard let address = PeerAddress(invite: invite) else {
                    throw ValidationError("the invite has no address (peerdex://<peer-id>@HOST:PORT); give HOST:PORT")
                }
                return address
            }
            do { return PeerAddress(try HostPort(parsing: target)) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let target = try address()
            _ = global.chosenDirectory()  // logs go to the data directory's log, not the screen
            let printing = !json
            let report = try await PingSession.run(
                target: target, count: count, interval: .milliseconds(Int64(interval * 1_000)),
                timeout: .milliseconds(Int64(timeout * 1_000)),
                onConnected: { connection, handshake in
                    guard printing else { return }
                    print("peer \(connection.peer.peerID) at \(target.hostPort) (handshake \(Self.ms(handshake.milliseconds)))")
                },
                onOutcome: { outcome in
                    guard printing else { return }
                    switch outcome {
                    case .answered(let sequence, let reply):
                        print("ping \(sequence): \(Self.ms(reply.roundTrip.milliseconds))  load \(String(format: "%.2f", reply.load))")
                    case .failed(let sequence, let error):
                        print("ping \(sequence): \(error)")
                    }
                    fflush(nil)  // every stream; naming stdout is not concurrency-safe
                })
            if json {
                try Output.json(report)
            } else {
                let capabilities = report.capabilities.isEmpty ? "none" : report.capabilities.joined(separator: ", ")
                print("agent \(report.agent)  capabilities: \(capabilities)")
                let trips = report.roundTripsMs
                if let low = trips.min(), let high = trips.max() {
                    let average = trips.reduce(0, +) / Double(trips.count)
                    print(
                        "\(trips.count) of \(trips.count + report.lost) answered: min \(Self.ms(low))  avg \(Self.ms(average))  max \(Self.ms(high))")
                }
            }
            if report.roundTripsMs.isEmpty { throw ExitCode.failure }
        }

        static func ms(_ value: Double) -> String { String(format: "%.3f ms", value) }
    }
}
