import struct Foundation.Date

/// What importing one contact did to the book.
public enum ImportAction: String, Sendable, Equatable {
    /// The contact was new and was added.
    case imported
    /// The contact existed and gained or changed something.
    case updated
    /// The contact existed and the file had nothing new.
    case unchanged
}

extension Contact {
    /// This contact with an imported copy of it merged in.
    ///
    /// The rules keep an import from ever taking something away: text fields the file fills win,
    /// empty ones keep ours; interests are united; favorite, blocked and friend can be switched on
    /// but never off; privacy becomes the more restrictive of the two; `addedAt` keeps the earlier
    /// and `lastSeen` / `lastInteraction` the later time.
    public func merging(_ imported: Contact) -> Contact {
        var merged = self
        if !imported.name.isEmpty { merged.name = imported.name }
        if !imported.alias.isEmpty { merged.alias = imported.alias }
        if !imported.note.isEmpty { merged.note = imported.note }
        if !imported.location.isEmpty { merged.location = imported.location }
        merged.interests = Contact.normalizedInterests(interests + imported.interests)
        merged.privacy = max(privacy, imported.privacy)
        merged.isFriend = isFriend || imported.isFriend
        merged.favoritedAt = favoritedAt ?? imported.favoritedAt
        merged.blockedAt = blockedAt ?? imported.blockedAt
        merged.addedAt = min(addedAt, imported.addedAt)
        merged.lastSeen = latest(lastSeen, imported.lastSeen)
        merged.lastInteraction = latest(lastInteraction, imported.lastInteraction)
        return merged
    }

    private func latest(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case (let a?, let b?): return max(a, b)
        default: return a ?? b
        }
    }
}
