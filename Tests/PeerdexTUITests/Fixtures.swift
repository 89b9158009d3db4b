import Foundation
import PeerdexCore
@testable import PeerdexTUI

/// Deterministic contacts, identities and models for the TUI tests.
enum Fixtures {
    /// 2026-11-26 09:00 UTC, the "now" of every test.
    static let now = Date(timeIntervalSince1970: 1_795_683_600)

    /// A valid peer ID derived from a seed.
    static func peerID(_ seed: Int) -> PeerID {
        try! PeerID(publicKey: (0..<32).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0 &* 7) })
    }

    /// Our own identity.
    static let ownInvite = Invite(peerID: peerID(999), address: HostPort(host: "192.168.1.20", port: 4001), name: "Sam")

    /// A contact with times relative to `now`.
    static func contact(
        _ seed: Int,
        _ name: String,
        alias: String = "",
        note: String = "",
        interests: [String] = [],
        favorite: Bool = false,
        blocked: Bool = false,
        friend: Bool = false,
        addedDaysAgo: Double = 30,
        seenMinutesAgo: Double? = nil
    ) -> Contact {
        Contact(
            peerID: peerID(seed), name: name, alias: alias, note: note, interests: interests,
            location: "", privacy: .contacts, isFriend: friend,
            favoritedAt: favorite ? now.addingTimeInterval(-86_400) : nil,
            blockedAt: blocked ? now.addingTimeInterval(-3600) : nil,
            addedAt: now.addingTimeInterval(-addedDaysAgo * 86_400),
            lastSeen: seenMinutesAgo.map { now.addingTimeInterval(-$0 * 60) })
    }

    /// A small book with Latin names, favorites and notes.
    static let book: [Contact] = [
        contact(1, "Alice Zhang", alias: "ali", note: "Met at the climbing gym. Owes me a coffee.",
                interests: ["climbing", "go", "rust"], favorite: true, friend: true, addedDaysAgo: 3,
                seenMinutesAgo: 5),
        contact(2, "Bob Martin", interests: ["chess"], addedDaysAgo: 40, seenMinutesAgo: 60 * 26),
        contact(3, "Chloé Dubois", note: "Translator, Lyon.", interests: ["languages", "cinema"], favorite: true,
                addedDaysAgo: 120, seenMinutesAgo: 60 * 24 * 9),
        contact(4, "Dmitri Ivanov", addedDaysAgo: 400),
        contact(5, "Eve Adams", alias: "eve", interests: ["security"], addedDaysAgo: 10, seenMinutesAgo: 30),
        contact(6, "Farah Khan", interests: ["music", "hiking"], addedDaysAgo: 2, seenMinutesAgo: 0.5),
    ]

    /// Names that break naive width code: CJK, emoji sequences, flags, VS16, combining marks, RTL.
    static let unicodeBook: [Contact] = [
        contact(11, "李小龍", interests: ["功夫", "电影"], seenMinutesAgo: 3),
        contact(12, "田中さくら 🌸", alias: "さくら", favorite: true, seenMinutesAgo: 90),
        contact(13, "👨‍👩‍👧‍👦 The Families", interests: ["🎲 games"], seenMinutesAgo: 60 * 30),
        contact(14, "🇯🇵🇫🇷 Flags", seenMinutesAgo: 60 * 24 * 3),
        contact(15, "❤️ Heart with VS16", favorite: true),
        contact(16, "Jose\u{301} Man\u{303}ana (combining)", seenMinutesAgo: 12),
        contact(17, "שלום עליכם", note: "Hebrew, right to left", seenMinutesAgo: 60 * 24 * 40),
        contact(18, "محمد الأحمد", interests: ["خط"], blocked: false, seenMinutesAgo: 60),
        contact(19, "한국어 이름", seenMinutesAgo: 7),
        contact(20, "An extraordinarily long name that cannot possibly fit in a single column 漢字漢字漢字漢字漢字"),
    ]

    /// A model of the given size fed through `update` with counts and a first window, as the app would.
    static func model(
        width: Int = 80,
        height: Int = 24,
        rows: [Contact] = book,
        total: Int? = nil,
        counts: PaneCounts? = nil,
        theme: Theme = .standard
    ) -> AppModel {
        var model = AppModel(ownInvite: ownInvite, theme: theme, now: now)
        _ = model.update(.resized(width: width, height: height))
        _ = model.initialCommands()
        let total = total ?? rows.count
        let favorites = rows.filter(\.isFavorite).count
        let defaultCounts = PaneCounts(contacts: total, favorites: favorites, nearby: 0, blocked: 1)
        model.answer(.counts(counts ?? defaultCounts))
        model.answer(.window(ContactWindow(pane: .contacts, offset: 0, rows: rows, total: total)))
        return model
    }

    /// `count` generated contacts starting at list index `offset`, for scrolling tests.
    static func generated(offset: Int, count: Int) -> [Contact] {
        (offset..<(offset + count)).map { contact(1000 + $0, String(format: "Contact %06d", $0)) }
    }
}

extension AppModel {
    /// Answers the in-flight request this answer is for, as the app would: the window load of
    /// the same pane and offset, else the newest request of the answer's kind. Nothing happens
    /// when none is in flight (a cancelled request's late answer is dropped the same way).
    @discardableResult
    mutating func answer(_ answer: Answer) -> [Command] {
        let match = latestInFlight { request in
            switch (request, answer) {
            case (.loadCounts, .counts): return true
            case (.loadWindow(let pane, let offset, _), .window(let window)):
                return pane == window.pane && offset == window.offset
            case (.search, .searchResults): return true
            case (let request, .done): return request.isMutation
            default: return false
            }
        }
        guard let id = match?.id else { return [] }
        return update(.answered(id, answer))
    }

    /// Answers the in-flight search for exactly `query`; dropped when it is no longer in flight.
    @discardableResult
    mutating func answerSearch(_ query: String, _ contacts: [Contact]) -> [Command] {
        guard let id = latestInFlight(where: { $0 == .search(query: query, limit: searchLimit) })?.id else { return [] }
        return update(.answered(id, .searchResults(contacts)))
    }

    /// Fails the newest in-flight request that `matches`.
    @discardableResult
    mutating func fail(_ reason: String, transient: Bool = false, where matches: (Request) -> Bool) -> [Command] {
        guard let id = latestInFlight(where: matches)?.id else { return [] }
        return update(.failed(id, RequestFailure(reason, isTransient: transient)))
    }
}

extension Array where Element == Command {
    /// The requests sent, without their IDs, for expectations that do not care about them.
    var requests: [Request] {
        compactMap { if case .request(_, let request) = $0 { return request } else { return nil } }
    }

    /// The IDs cancelled.
    var cancelled: [RequestID] {
        compactMap { if case .cancel(let id) = $0 { return id } else { return nil } }
    }
}
