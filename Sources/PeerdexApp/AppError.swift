import PeerdexCore
import PeerdexStore

/// Why a peerdex command failed; each case is one line for stderr.
public enum AppError: Error, CustomStringConvertible {
    /// The data directory cannot be created, read or written.
    case dataDirectory(path: String, reason: String)
    /// The identity key file is unreadable or malformed.
    case identity(path: String, reason: String)
    /// A file to import cannot be read or parsed at all.
    case unreadableFile(path: String, reason: String)
    /// A file could not be written.
    case unwritableFile(path: String, reason: String)
    /// An export could not be produced; nothing was written.
    case exportFailed(reason: String)
    /// Text given as a peer ID or invite is malformed.
    case invalidPeer(String, InviteError)
    /// The user tried to add themselves.
    case ownPeerID
    /// The config file is malformed.
    case config(path: String, reason: String)
    /// The contact store failed.
    case store(ContactStoreError)
    /// The terminal or the event loop's plumbing (signals, wake-ups) could not be set up.
    case terminal(reason: String)
    /// An argument or setting has the wrong form.
    case invalidArgument(String)
    /// The network could not do what was asked (no bootstrap node, nothing found, a socket refused).
    case network(String)
    /// `peerdex demo` could not set its network up.
    case demo(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .dataDirectory(let path, let reason): return "data directory \(path): \(reason)"
        case .identity(let path, let reason): return "identity key \(path): \(reason)"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason): return "cannot write \(path): \(reason)"
        case .exportFailed(let reason): return "export failed, nothing was written: \(reason)"
        case .invalidPeer(let text, let error):
            let shown = text.count > 80 ? String(text.prefix(77)) + "..." : text
            return "'\(shown)': \(error)"
        case .ownPeerID: return "that is your own peer ID; share it with others instead (peerdex id)"
        case .config(let path, let reason): return "\(path): \(reason)"
        case .store(let error): return error.description
        case .terminal(let reason): return "terminal: \(reason)"
        case .invalidArgument(let reason): return reason
        case .network(let reason): return reason
        case .demo(let reason): return "demo: \(reason)"
        }
    }
}
