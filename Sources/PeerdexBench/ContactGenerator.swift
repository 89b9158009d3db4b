import Foundation
import PeerdexCore

/// Generates a deterministic contact book: the same seed gives the same contacts, byte for byte.
///
/// The mix aims at what search must handle: about half Latin names (many with diacritics), then
/// CJK, Cyrillic, Greek and Arabic; 0–5 interests in several languages; some aliases, notes and
/// locations; ~5% favorites, ~2% blocked, and a last interaction for most contacts.
struct ContactGenerator {
    /// The instant generated times count back from (2026-01-01T00:00:00Z), fixed so data never drifts.
    static let referenceDate = Date(timeIntervalSince1970: 1_767_225_600)

    /// The scripts a name is drawn from, with their share of the book in percent.
    enum Script: CaseIterable {
        case latin, cyrillic, greek, chinese, japanese, katakana, arabic

        /// Percent of contacts named in this script.
        var share: Int {
            switch self {
            case .latin: 50
            case .cyrillic: 12
            case .greek: 7
            case .chinese: 10
            case .japanese: 8
            case .katakana: 5
            case .arabic: 8
            }
        }
    }

    private var random: SplitMix64

    /// A generator for the book fixed by `seed`.
    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The next `count` contacts.
    mutating func contacts(_ count: Int) -> [Contact] {
        (0..<count).map { _ in contact() }
    }

    /// The next contact.
    mutating func contact() -> Contact {
        // A random 32-byte key is a valid Ed25519 public key for our purposes: PeerID only checks length.
        let peerID = try! PeerID(publicKey: random.bytes(PeerID.keyLength))
        let name = self.name(in: script())
        let alias = random.chance(0.15) ? random.pick(NamePools.nicknames) : ""
        let location = random.chance(0.4) ? random.pick(NamePools.locations) : ""
        var note = ""
        if random.chance(0.15) {
            let place = location.isEmpty ? random.pick(NamePools.locations) : location
            note = random.pick(NamePools.notes).replacingOccurrences(of: "*", with: place)
        }
        let interests = (0..<random.between(0...5)).map { _ in random.pick(NamePools.interests) }
        let privacy = PrivacyLevel.allCases[random.below(PrivacyLevel.allCases.count)]
        // Whole seconds, so that the JSON export format (milliseconds) loses nothing.
        let addedAt = Self.referenceDate.addingTimeInterval(-Double(random.below(3 * 365 * 86_400)))
        let sinceAdded = Self.referenceDate.timeIntervalSince(addedAt)
        func laterThanAdded() -> Date { addedAt.addingTimeInterval(Double(random.below(max(1, Int(sinceAdded))))) }
        return Contact(
            peerID: peerID, name: name, alias: alias, note: note, interests: interests, location: location,
            privacy: privacy, isFriend: random.chance(0.2),
            favoritedAt: random.chance(0.05) ? laterThanAdded() : nil,
            blockedAt: random.chance(0.02) ? laterThanAdded() : nil,
            addedAt: addedAt,
            lastSeen: random.chance(0.6) ? laterThanAdded() : nil,
            lastInteraction: random.chance(0.8) ? laterThanAdded() : nil)
    }

    // MARK: - Names

    /// A script chosen by the shares above.
    private mutating func script() -> Script {
        var roll = random.below(100)
        for script in Script.allCases {
            if roll < script.share { return script }
            roll -= script.share
        }
        return .latin
    }

    /// A full name in `script`.
    private mutating func name(in script: Script) -> String {
        switch script {
        case .latin:
            // A few double-barrelled names make multi-word and hyphen handling part of the load.
            let family =
                random.chance(0.05)
                ? random.pick(NamePools.latinFamily) + "-" + random.pick(NamePools.latinFamily)
                : random.pick(NamePools.latinFamily)
            return random.pick(NamePools.latinGiven) + " " + family
        case .cyrillic: return random.pick(NamePools.cyrillicGiven) + " " + random.pick(NamePools.cyrillicFamily)
        case .greek: return random.pick(NamePools.greekGiven) + " " + random.pick(NamePools.greekFamily)
        case .chinese: return random.pick(NamePools.chineseFamily) + random.pick(NamePools.chineseGiven)
        case .japanese:
            let separator = random.chance(0.5) ? " " : ""
            return random.pick(NamePools.japaneseFamily) + separator + random.pick(NamePools.japaneseGiven)
        case .katakana: return random.pick(NamePools.katakanaNames)
        case .arabic: return random.pick(NamePools.arabicGiven) + " " + random.pick(NamePools.arabicFamily)
        }
    }
}
