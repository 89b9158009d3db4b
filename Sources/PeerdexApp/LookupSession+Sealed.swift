import Foundation
import Logging
import PeerdexCore
import PeerdexNet

// MARK: - Reading a record

extension LookupSession {
    /// What a profile record shows us.
    public enum Reading: Sendable, Equatable {
        /// The record is open (a public profile).
        case open(ProfileSealer.OpenFields)
        /// The record is sealed and one of the keys its owner handed us opened it.
        case opened(ProfileSealer.OpenFields)
        /// The record is sealed and stays closed, for the reason given (one line).
        case sealed(reason: String)
    }

    /// Why a sealed record stays closed when we hold no key from its owner.
    public static let noKeyReason = "no key from this peer (only its audience can read it)"
    /// Why it stays closed when the keys we hold from its owner are not the one it is sealed under.
    public static let noCurrentKeyReason = "no current key from this peer (it has a newer key than ours)"

    /// Reads `record`, published by `owner`, opening a sealed one with `keys` (the keys `owner`
    /// handed us; `ProfileSealer.open` picks the one whose ID the record names).
    public static func read(_ record: ProfileRecord, owner: PeerID, keys: [AudienceKey]) -> Reading {
        switch record.content {
        case .open(let name, let interests, let location):
            return .open(ProfileSealer.OpenFields(name: name, interests: interests, location: location))
        case .sealed(let ciphertext, let keyID):
            do {
                let fields = try ProfileSealer.open(
                    ciphertext: ciphertext, audienceKeyID: keyID, ownerKey: owner.publicKey, with: keys)
                return .opened(fields)
            } catch .noKey {
                return .sealed(reason: keys.isEmpty ? noKeyReason : noCurrentKeyReason)
            } catch {
                return .sealed(reason: error.description)
            }
        }
    }

    /// The contact book of `directory` when it already has one (a lookup never creates a data
    /// directory or an identity: with no book there are no keys to open a record with).
    public static func existingBook(in directory: DataDirectory) throws(AppError) -> ContactBook? {
        guard FileManager.default.fileExists(atPath: directory.databasePath),
            FileManager.default.fileExists(atPath: directory.identityPath)
        else { return nil }
        return try ContactBook.open(directory)
    }

    // MARK: - Asking the owner

    /// Whether a lookup from `book` may ask `owner` for its keys: only a contact that is not
    /// blocked (asking dials it with our identity, which a stranger has no use for).
    static func mayAsk(_ owner: PeerID, in book: ContactBook) -> Bool {
        guard let contact = try? book.store({ try $0.contact(owner) }) else { return false }
        return !contact.isBlocked
    }

    /// Asks `owner` for its audience keys with `book`'s identity, within `timeout` per address
    /// tried, and keeps what it grants; says in one line what happened. The addresses tried: the
    /// one the book's connection history last shows it at, then the rendezvous endpoints (read
    /// through `dht`) on the TCP port its record names, at most `maximumAddresses` in all. It
    /// dials through `dialer` when given (a running node with the book's identity), else
    /// through a node of its own, stopped once asked.
    static func askOwner(
        _ owner: PeerID, record: ProfileRecord, book: ContactBook, dht: DHTNode, dialer: PeerdexNode? = nil,
        timeout: Duration, maximumAddresses: Int = 8
    ) async -> String {
        var addresses = [HostPort]()
        if let stored = AudienceKeyFetcher.storedAddress(of: owner, in: book) { addresses.append(stored) }
        if let port = record.port, let result = try? await dht.run(.getPeers(DHTService.rendezvousInfoHash)),
            case .peers(let found) = result.outcome
        {
            for endpoint in found where endpoint.port == port {
                let address = HostPort(host: "\(endpoint.ip)", port: Int(endpoint.port))
                if !addresses.contains(address) { addresses.append(address) }
            }
        }
        addresses = Array(addresses.prefix(maximumAddresses))
        guard !addresses.isEmpty else { return "not asked: no address found for this peer" }

        let outcome: AudienceKeyFetcher.Outcome
        if let dialer {
            outcome = await AudienceKeyFetcher.requestKeys(of: owner, at: addresses, node: dialer, timeout: timeout)
        } else {
            var configuration = NodeConfiguration()
            configuration.connectTimeout = timeout
            configuration.handshakeTimeout = timeout
            configuration.requestTimeout = timeout
            let node = PeerdexNode(
                identity: book.identity.handshakeIdentity, configuration: configuration,
                logger: Logger(label: "peerdex.lookup"))
            let running = Task { try await node.run() }
            outcome = await AudienceKeyFetcher.requestKeys(of: owner, at: addresses, node: node, timeout: timeout)
            await node.shutdown()
            _ = await running.result
        }
        switch outcome {
        case .answered(let keys, let address):
            do { try book.receiveAudienceKeys(keys, from: owner) } catch {
                return "asked \(address): granted \(keys.count), but they cannot be kept: \(error)"
            }
            return "asked \(address): granted \(keys.count) key\(keys.count == 1 ? "" : "s")"
        case .unreachable(let tried):
            return "asked, no answer at \(tried.map(\.description).joined(separator: ", "))"
        }
    }
}
