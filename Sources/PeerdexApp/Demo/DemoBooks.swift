import Foundation
import PeerdexCore

/// Writes the demo's books: each person's profile, sharing and acquaintances, and the user's
/// own book with the people it already knows. Real records through the same calls the commands
/// use, committed before any node starts.
enum DemoBooks {
    /// Person `person`'s book: profile, whether it answers discovery queries, the people it
    /// knows (shared onward as their own visibility allows) and the user when it knows them.
    static func write(
        _ person: DemoPerson, into book: ContactBook, people: [DemoPerson], books: [ContactBook], user: Identity,
        userName: String, now: Date
    ) throws {
        try setProfile(person.profile, of: book)
        try book.updateSharing(shareWithDiscoveryPeers: person.sharesWithDiscoveryPeers, allowContactSharing: true)
        var known = person.acquaintances.map { index in
            let other = people[index]
            return Contact(
                peerID: books[index].identity.peerID, name: other.profile.name, interests: other.profile.interests,
                location: other.profile.location, privacy: other.profile.visibility,
                addedAt: now.addingTimeInterval(-Double(86_400 * (1 + (index * 7 + person.index) % 300))))
        }
        if person.knowsUser {
            known.append(
                Contact(
                    peerID: user.peerID, name: userName, privacy: .contacts, isFriend: person.relation == .friend,
                    addedAt: now.addingTimeInterval(-86_400 * 30)))
        }
        try add(known, to: book)
    }

    /// The user's book: its profile, and every person the population says it knows, as a
    /// contact, favorite, friend or blocked contact, with what their profile says.
    static func writeUser(
        _ profile: DemoProfile, into book: ContactBook, members: [DemoNetwork.Member], now: Date
    ) throws {
        try setProfile(profile, of: book)
        try book.updateSharing(shareWithDiscoveryPeers: true, allowContactSharing: nil)
        let contacts = members.filter(\.person.relation.isInBook).map { member in
            let person = member.person
            let added = now.addingTimeInterval(-Double(86_400 * (3 + person.index * 11 % 400)))
            return Contact(
                peerID: member.peerID, name: person.profile.name,
                note: person.isNearby ? "lives around the corner" : "",
                interests: person.profile.interests, location: person.profile.location,
                isFriend: person.relation == .friend,
                favoritedAt: person.relation == .favorite ? added.addingTimeInterval(3_600) : nil,
                blockedAt: person.relation == .blocked ? added.addingTimeInterval(7_200) : nil, addedAt: added,
                lastSeen: now.addingTimeInterval(-Double(600 * (person.index + 1))))
        }
        try add(contacts, to: book)
    }

    /// Adds `contacts` in one transaction (one commit, not one per contact).
    private static func add(_ contacts: [Contact], to book: ContactBook) throws {
        _ = try book.store { try $0.importContacts(contacts.map { ($0, []) }) }
    }

    private static func setProfile(_ profile: DemoProfile, of book: ContactBook) throws {
        _ = try book.updateProfile(
            ProfileChange(
                name: profile.name, interests: profile.interests, location: profile.location,
                visibility: profile.visibility))
    }
}
