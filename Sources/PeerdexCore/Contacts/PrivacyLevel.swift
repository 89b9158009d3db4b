/// Who may learn about a contact (or our own profile) through the network.
///
/// The default everywhere is `private`: nothing leaves the machine unless the user says so.
public enum PrivacyLevel: String, CaseIterable, Codable, Sendable, Comparable {
    /// Anyone may discover it.
    case `public`
    /// Only peers in our contact book.
    case contacts
    /// Only contacts marked as friends.
    case friends
    /// Nobody; it never leaves this machine.
    case `private`

    /// Orders from most to least open.
    public static func < (lhs: PrivacyLevel, rhs: PrivacyLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
