import Foundation
import PeerdexTestSupport
import Testing

/// The product's tour (issue 13, item 4): `peerdex demo --nodes 8` in a real (tmux) terminal, walked
/// as a person would — add by invite, search the book and the network, favorite, block and
/// unblock, see who is nearby, look a profile up, go public and be found by another node, quit.
/// Each step checks the screen and, where something is saved, the demo user's book.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: TmuxSession.isAvailable, "needs tmux (make test installs it)"))
struct DemoTourEndToEndTests {
    @Test func theProductTour() throws {
        let tour = try DemoTour()
        defer { tour.close() }
        try tour.theFirstFrameListsTheDemoContacts()
        try tour.addAStrangerByInvite()
        try tour.searchTheBookWithoutDiacritics()
        try tour.searchTheNetworkAndAddAResult()
        try tour.favoriteAContact()
        try tour.blockAndUnblockANearbyFriend()
        try tour.seeWhoIsNearby()
        try tour.lookUpAContactsNetworkProfile()
        try tour.goPublicAndBeFoundByAnotherNode()
        try tour.quitStopsEveryNodeAndKeepsTheDirectory()
    }
}

/// One run of the demo under tmux, what its `demo.json` says, and the steps of the tour.
private final class DemoTour {
    /// The terminal the demo runs in.
    let tui: TmuxSession
    /// The demo's `demo.json`: who is who, and where.
    let manifest: DemoFile
    /// The demo's directory, passed as `--directory` while it did not exist yet.
    let directory: String
    /// Holds `directory`, so that one removal cleans up whatever the run left.
    let parent: String
    /// The demo user's book, read beside the TUI (WAL lets readers in while it writes).
    let book: CommandRunner
    /// Another identity, with a data directory of its own, for looking the user up and pinging.
    let stranger = CommandRunner()

    /// Starts the demo and waits for its first frame (online), then reads demo.json.
    init() throws {
        parent = NSTemporaryDirectory() + "peerdex-tour-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        directory = parent + "/demo"
        let tui = try TmuxSession(
            command: [CommandRunner.executable.path, "demo", "--nodes", "8", "--directory", directory],
            width: 120, height: 32)
        do {
            // Eight nodes start and join before the TUI draws: patient, on a loaded 2-core box.
            try tui.waitFor("the first frame, online", timeout: 45) { $0.contains("┌─ Contacts") && $0.contains("● online") }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/demo.json"))
            manifest = try JSONDecoder().decode(DemoFile.self, from: data)
        } catch {
            tui.close()
            try? FileManager.default.removeItem(atPath: parent)
            throw error
        }
        self.tui = tui
        book = CommandRunner(dataDirectory: manifest.user.dataDirectory)
    }

    /// Kills the tmux server (and the demo, if the tour stopped early) and removes every directory.
    func close() {
        tui.close()
        stranger.cleanUp()
        try? FileManager.default.removeItem(atPath: parent)
    }

    // MARK: - The steps

    /// Step 1: the Contacts pane lists the people demo.json says are in the book, and the node is online.
    func theFirstFrameListsTheDemoContacts() throws {
        let inBook = manifest.people.filter { ["contact", "favorite", "friend"].contains($0.relation) }
        try #require(!inBook.isEmpty, "demo.json lists no contacts")
        let favorites = inBook.filter { $0.relation == "favorite" }.count
        let blocked = manifest.people.filter { $0.relation == "blocked" }.count
        let screen = try tui.waitFor("every demo contact listed and counted") { screen in
            inBook.allSatisfy { Screen.listPane(screen).contains($0.name) }
                && Screen.tabCount("Contacts", screen) == inBook.count && Screen.tabCount("Favorites", screen) == favorites
                && Screen.tabCount("Blocked", screen) == blocked
        }
        #expect(Screen.bottomLine(screen).contains("● online"), "\(screen)")
        for person in manifest.people where person.relation == "stranger" {
            #expect(!Screen.listPane(screen).contains(person.name), "stranger \(person.name) listed as a contact")
        }
    }

    /// Step 2: `a`, the invite of a private stranger (nobody could find them otherwise), a name.
    func addAStrangerByInvite() throws {
        let person = try #require(
            manifest.people.first { $0.relation == "stranger" && $0.visibility == "private" },
            "demo.json has no private stranger")
        let contactsBefore = try #require(Screen.tabCount("Contacts", try tui.screen()))
        try tui.send("a")
        try tui.waitFor("peer ID or invite:")
        try tui.send(person.invite, literal: true)
        try tui.send("Enter")
        try tui.waitFor("the name prompt") { Screen.bottomLine($0).hasPrefix("Name:") }
        try tui.send(person.name, literal: true)
        try tui.send("Enter")
        try tui.waitFor("Added \(person.name)", timeout: 15)
        // The counts reload after the change is acknowledged: wait for them rather than read them.
        try tui.waitFor("Contacts \(contactsBefore + 1), \(person.name) listed") {
            Screen.tabCount("Contacts", $0) == contactsBefore + 1 && Screen.listPane($0).contains(person.name)
        }
        let stored = try storedContact(person)
        #expect(stored["name"] as? String == person.name)
        #expect(stored["blocked"] as? Bool == false)
    }

    /// Step 3: `/` and a word of a contact's name typed without its accents finds them.
    func searchTheBookWithoutDiacritics() throws {
        let inBook = manifest.people.filter { ["contact", "favorite", "friend"].contains($0.relation) }
        let (person, query) = try #require(
            inBook.lazy.compactMap { person in Self.accentedWord(in: person.name).map { (person, $0) } }.first,
            "no demo contact has an accented Latin name")
        try showPane("1", "Contacts")
        try tui.send("/")
        try tui.send(query, literal: true)
        let screen = try tui.waitFor("\(person.name) found by '\(query)'", timeout: 15) { screen in
            screen.contains("Search “\(query)”") && Screen.listPane(screen).contains(person.name)
                && Screen.bottomLine(screen).contains("found")
        }
        #expect(!Screen.listPane(screen).contains("◇ \(person.name)"), "a contact shows as a network result")
        try leaveSearch()
    }

    /// Step 4: a search for a public stranger who answers discovery queries shows them as a network
    /// result under the local ones; `a` on that row adds them with the name they publish.
    func searchTheNetworkAndAddAResult() throws {
        // Someone away from the LAN, so that the nearby step still has its public strangers.
        let candidates = manifest.people.filter { $0.relation == "stranger" && $0.visibility == "public" && $0.discoveryPeer }
        let person = try #require(candidates.first { !$0.nearby } ?? candidates.first, "no public discovery peer to find")
        let query = try #require(Self.distinctiveWord(of: person, among: manifest.people), "\(person.name) shares every word")
        let contactsBefore = try #require(Screen.tabCount("Contacts", try tui.screen()))
        try tui.send("/")
        try tui.send(query, literal: true)
        let found = try tui.waitFor("\(person.name) as a network result", timeout: 20) { screen in
            Screen.listPane(screen).split(separator: "\n").contains { $0.contains(person.name) && $0.contains("network") }
        }
        #expect(found.contains("peers answered"), "\(found)")
        try tui.send("Enter")  // keeps the results and leaves the input line
        try select(person.name, in: "Search")
        try tui.send("a")
        try tui.waitFor("the name they publish offered") { Screen.bottomLine($0).hasPrefix("Name: \(person.name)") }
        try tui.send("Enter")
        try tui.waitFor("Added \(person.name)", timeout: 15)
        try tui.waitFor("Contacts \(contactsBefore + 1)") { Screen.tabCount("Contacts", $0) == contactsBefore + 1 }
        let stored = try storedContact(person)
        #expect(stored["name"] as? String == person.name)
        try showPane("1", "Contacts")
    }

    /// Step 5: `f` on a plain contact: the Favorites count goes up, the pane and the book agree.
    func favoriteAContact() throws {
        let person = try #require(manifest.people.first { $0.relation == "contact" }, "no plain contact in the demo")
        try showPane("1", "Contacts")
        let favoritesBefore = try #require(Screen.tabCount("Favorites", try tui.screen()))
        try select(person.name, in: "Contacts")
        try tui.send("f")
        try tui.waitFor("\(person.name) is a favorite")
        try tui.waitFor("Favorites \(favoritesBefore + 1)") { Screen.tabCount("Favorites", $0) == favoritesBefore + 1 }
        #expect(try storedContact(person)["favorite"] as? Bool == true)
        try showPane("2", "Favorites")
        try tui.waitFor("\(person.name) in the Favorites pane") { Screen.listPane($0).contains(person.name) }
    }

    /// Step 6: `b` (confirmed) moves a friend who is nearby to Blocked, out of Contacts and out of
    /// Nearby; `b` from Blocked (confirmed) brings them back to Contacts. The book agrees each time.
    func blockAndUnblockANearbyFriend() throws {
        let person = try #require(manifest.people.first { $0.relation == "friend" && $0.nearby }, "no nearby friend")
        // Everyone who answers the user's probe is seen nearby first, so that the count is settled
        // and the friend's leaving the pane below means something.
        let answering = manifest.people.filter { $0.nearby && $0.answersTheUserNearby }
        try #require(answering.contains { $0.peerId == person.peerId })
        try showPane("3", "Nearby")
        try tui.waitFor("everyone answering the user nearby", timeout: 15) { screen in
            answering.allSatisfy { Screen.listPane(screen).contains($0.name) }
        }
        let nearbyBefore = try #require(Screen.tabCount("Nearby", try tui.screen()))
        #expect(nearbyBefore == answering.count)

        try showPane("1", "Contacts")
        let blockedBefore = try #require(Screen.tabCount("Blocked", try tui.screen()))
        try select(person.name, in: "Contacts")
        try tui.send("b")
        try tui.waitFor("the block question") { Screen.bottomLine($0).contains("Block \(person.name)?") }
        try tui.send("y")
        try tui.waitFor("Blocked \(person.name), out of Contacts", timeout: 15) {
            $0.contains("Blocked \(person.name)") && Screen.tabCount("Blocked", $0) == blockedBefore + 1
                && !Screen.listPane($0).contains(person.name)
        }
        #expect(try storedContact(person)["blocked"] as? Bool == true)
        try showPane("3", "Nearby")
        try tui.waitFor("\(person.name) gone from Nearby, Nearby \(nearbyBefore - 1)") {
            !Screen.listPane($0).contains(person.name) && Screen.tabCount("Nearby", $0) == nearbyBefore - 1
        }

        try showPane("5", "Blocked")
        try select(person.name, in: "Blocked")
        try tui.send("b")
        try tui.waitFor("the unblock question") { Screen.bottomLine($0).contains("Unblock \(person.name)?") }
        try tui.send("y")
        try tui.waitFor("Unblocked \(person.name)", timeout: 15) {
            $0.contains("Unblocked \(person.name)") && Screen.tabCount("Blocked", $0) == blockedBefore
        }
        #expect(try storedContact(person)["blocked"] as? Bool == false)
        try showPane("1", "Contacts")
        try tui.waitFor("\(person.name) back in Contacts") { Screen.listPane($0).contains(person.name) }
        // Unblocking starts the next probe sweep at once: the friend is found again.
        try showPane("3", "Nearby")
        try tui.waitFor("\(person.name) nearby again", timeout: 15) { Screen.listPane($0).contains(person.name) }
    }

    /// Step 7: pane 3 lists the public strangers on the LAN by name, and nobody the probe cannot reach
    /// or whose privacy keeps them from the user (the private stranger among them).
    func seeWhoIsNearby() throws {
        let strangersNearby = manifest.people.filter { $0.relation == "stranger" && $0.nearby && $0.visibility == "public" }
        try #require(!strangersNearby.isEmpty, "no public stranger on the demo LAN")
        let hidden = manifest.people.filter { !$0.nearby || !$0.answersTheUserNearby }
        try #require(hidden.contains { $0.visibility == "private" }, "no private person to stay hidden")
        try showPane("3", "Nearby")
        let screen = try tui.waitFor("the public strangers nearby", timeout: 15) { screen in
            strangersNearby.allSatisfy { Screen.listPane(screen).contains($0.name) }
        }
        for person in hidden {
            #expect(!Screen.listPane(screen).contains(person.name), "\(person.name) (\(person.visibility)) listed nearby:\n\(screen)")
        }
    }

    /// Step 8: `L` on a contact who publishes in the open, then on one whose record is sealed for
    /// contacts: the details show each one's network profile as published.
    func lookUpAContactsNetworkProfile() throws {
        let inBook = manifest.people.filter { ["contact", "favorite", "friend"].contains($0.relation) }
        let openly = try #require(inBook.first { $0.visibility == "public" }, "no contact with a public profile")
        try showPane("1", "Contacts")
        try select(openly.name, in: "Contacts")
        try tui.send("L")
        let screen = try tui.waitFor("\(openly.name)'s network profile", timeout: 20) { screen in
            Screen.networkProfile(screen).map { $0.contains(openly.name) && $0.contains("Visibility public") } ?? false
        }
        let profile = Screen.networkProfile(screen) ?? ""
        for interest in openly.interests { #expect(profile.contains(interest), "\(interest) missing:\n\(screen)") }

        // A contacts-only record opens with the key the contact's node hands ours, which it asks
        // for on a schedule of its own: look again until it has it.
        let sealed = try #require(inBook.first { $0.visibility == "contacts" }, "no contact with a contacts-only profile")
        try select(sealed.name, in: "Contacts")
        let deadline = Date().addingTimeInterval(25)
        var opened: String?
        while opened == nil, Date() < deadline {
            try tui.send("L")
            opened = try? tui.waitFor("\(sealed.name)'s sealed profile opened", timeout: 4) { screen in
                Screen.networkProfile(screen).map { $0.contains(sealed.name) && $0.contains("opened with") } ?? false
            }
        }
        let sealedScreen = try opened ?? tui.screen()
        #expect(opened != nil, "\(sealed.name)'s sealed profile never opened:\n\(sealedScreen)")
        let sealedProfile = Screen.networkProfile(sealedScreen) ?? ""
        for interest in sealed.interests { #expect(sealedProfile.contains(interest), "\(interest) missing:\n\(sealedScreen)") }
    }

    /// Step 9: another node looking the user up finds only a sealed record while the profile is for
    /// contacts; after `p` sets it public, the same lookup finds "Sam Demo".
    func goPublicAndBeFoundByAnotherNode() throws {
        let before = try lookUpTheUser(timeout: 30) { _ in true }
        #expect(before["sealed"] as? Bool == true, "\(before)")
        #expect(before["opened"] as? Bool == false, "\(before)")
        #expect(before["name"] == nil, "a contacts-only profile gave its name away: \(before)")

        try tui.send("p")
        try tui.waitFor("Your profile")
        try tui.waitFor("the user's name in the editor") { $0.contains("Sam Demo") && $0.contains("‹ contacts ›") }
        var field = Screen.focusedField(try tui.screen())
        for _ in 0..<6 where field != "Visibility" {
            try tui.send("Tab")
            field = Screen.focusedField(try tui.waitFor("the next field focused") { Screen.focusedField($0) != field })
        }
        #expect(field == "Visibility")
        var visibility = Screen.visibilityShown(try tui.screen())
        for _ in 0..<4 where visibility != "public" {
            try tui.send("Space")
            visibility = Screen.visibilityShown(try tui.waitFor("the next visibility") { Screen.visibilityShown($0) != visibility })
        }
        #expect(visibility == "public")
        try tui.send("Enter")
        try tui.waitFor("Saved your profile (visibility: public)", timeout: 15)
        let profile = try #require(try book.json(["profile", "show"]) as? [String: Any])
        #expect(profile["visibility"] as? String == "public")

        // The node republishes on its 30 s tick (README: "a change is published within 30 s"),
        // not at once on saving: look until it has, with room for a loaded machine.
        let after = try lookUpTheUser(timeout: 45) { $0["name"] as? String == "Sam Demo" }
        #expect(after["name"] as? String == "Sam Demo", "\(after)")
        #expect(after["sealed"] as? Bool == false, "\(after)")
    }

    /// Step 10: `q` ends the demo cleanly, its nodes stop answering, and the directory stays.
    func quitStopsEveryNodeAndKeepsTheDirectory() throws {
        for person in manifest.people {
            let ping = try stranger.run(["ping", person.address, "--count", "1", "--timeout", "5"])
            #expect(ping.status == 0, "\(person.name) at \(person.address) did not answer before quitting: \(ping.stderr)")
        }
        try showPane("1", "Contacts")
        try tui.send("q")
        let ended = try tui.waitFor("[exited 0]", timeout: 20)
        #expect(ended.contains("kept"), "\(ended)")
        for person in manifest.people {
            let ping = try stranger.run(["ping", person.address, "--count", "1", "--timeout", "1"])
            #expect(ping.status != 0, "\(person.name) at \(person.address) still answers after quitting")
        }
        #expect(
            FileManager.default.fileExists(atPath: directory + "/demo.json"),
            "\(directory), passed with --directory, was not kept")
    }

    // MARK: - Helpers

    /// Shows pane `key` and waits for its box.
    func showPane(_ key: String, _ title: String) throws {
        try tui.send(key)
        try tui.waitFor("the \(title) pane") { $0.contains("┌─ \(title)") }
    }

    /// Leaves a search (input open or kept) for the Contacts pane.
    func leaveSearch() throws {
        try tui.send("Escape")
        // Waited for, so that the next key is not read as Alt+key.
        try tui.waitFor("the search left") { !Screen.bottomLine($0).hasPrefix("/") }
        try showPane("1", "Contacts")
    }

    /// Moves the shown pane's selection to the row of `name`, from the top, one row at a time.
    func select(_ name: String, in pane: String) throws {
        try tui.send("g")
        var position = 1
        while true {
            // A row the pane is still loading shows as "…" with no name: wait for the name.
            let screen = try tui.waitFor("row \(position) of \(pane) selected") { screen in
                Screen.selection(in: pane, screen).map { $0.position == position && !$0.row.isEmpty } ?? false
            }
            let selection = try #require(Screen.selection(in: pane, screen))
            if selection.row.contains(name) { return }
            guard position < selection.total else {
                Issue.record("\(name) is not in the \(pane) pane:\n\(screen)")
                throw TourStop()
            }
            try tui.send("j")
            position += 1
        }
    }

    /// The demo user's stored record of `person`.
    func storedContact(_ person: DemoFile.Person) throws -> [String: Any] {
        try #require(try book.json(["contacts", "show", person.peerId]) as? [String: Any])
    }

    /// `peerdex lookup <user> --json` from another identity, repeated until `done` holds or `timeout`.
    func lookUpTheUser(timeout: TimeInterval, until done: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        repeat {
            let result = try stranger.run(
                ["lookup", manifest.user.peerId, "--bootstrap", manifest.bootstrap[0], "--timeout", "5", "--json"])
            if result.status == 0,
                let found = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            {
                last = found
                if done(found) { return found }
            } else {
                last = ["status": result.status, "stderr": result.stderr]
            }
            Thread.sleep(forTimeInterval: 1)  // between lookups, not an assertion
        } while Date() < deadline
        return last
    }

    /// The first word of `name` that loses accents when folded and is then plain ASCII ("goncalves").
    static func accentedWord(in name: String) -> String? {
        name.split(separator: " ").lazy.map(String.init).compactMap { word -> String? in
            let folded = word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            return folded != word.lowercased() && folded.allSatisfy(\.isASCII) ? folded : nil
        }.first
    }

    /// A word of `person`'s name that no other person's name contains, so a search for it finds them alone.
    static func distinctiveWord(of person: DemoFile.Person, among people: [DemoFile.Person]) -> String? {
        let others = people.filter { $0.peerId != person.peerId }.map { $0.name.lowercased() }
        return person.name.split(separator: " ").map(String.init).filter { $0.count >= 3 }
            .first { word in !others.contains { $0.contains(word.lowercased()) } }
    }
}

/// Stops the tour where a step cannot go on (the issue is already recorded).
private struct TourStop: Error {}

/// `demo.json`, read as a script would: only the fields the tour uses.
private struct DemoFile: Decodable {
    struct User: Decodable {
        var peerId: String
        var dataDirectory: String
    }

    struct Person: Decodable {
        var index: Int
        var name: String
        var peerId: String
        var invite: String
        var address: String
        var interests: [String]
        var visibility: String
        var relation: String
        var nearby: Bool
        var discoveryPeer: Bool

        /// Whether this person's node answers the user's nearby probe (docs/NEARBY.md, Privacy).
        var answersTheUserNearby: Bool {
            switch visibility {
            case "public": relation != "blocked"
            case "contacts": ["contact", "favorite", "friend"].contains(relation)
            case "friends": relation == "friend"
            default: false
            }
        }
    }

    var user: User
    var bootstrap: [String]
    var people: [Person]
}

/// Reading a captured screen: the tab bar, the list box, the details box, the status and bottom lines.
private enum Screen {
    static func lines(_ screen: String) -> [Substring] {
        screen.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The count a tab shows (`2 Favorites 3` → 3), nil when it shows none.
    static func tabCount(_ tab: String, _ screen: String) -> Int? {
        guard let bar = lines(screen).first, let range = bar.range(of: " \(tab) ") else { return nil }
        return Int(bar[range.upperBound...].prefix { $0.isNumber })
    }

    /// The list box on the left: each of its rows up to where the details box begins (not the
    /// status and bottom lines, which name the selection and the last change).
    static func listPane(_ screen: String) -> String {
        lines(screen).filter { $0.hasPrefix("│") }.map { line in
            ["││", "│┌", "┘└"].compactMap { line.range(of: $0) }.map(\.lowerBound).min().map { line[..<$0] } ?? line
        }.joined(separator: "\n")
    }

    /// The details box on the right, its rows joined and runs of spaces collapsed (so wrapped
    /// values read as one line).
    static func detailPane(_ screen: String) -> String {
        lines(screen).compactMap { line in line.range(of: "││").map { line[$0.upperBound...].dropLast() } }
            .joined(separator: " ").split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// The details' "Network profile" section, when shown.
    static func networkProfile(_ screen: String) -> String? {
        let details = detailPane(screen)
        return details.range(of: "Network profile").map { String(details[$0.upperBound...]) }
    }

    /// The status line's selection in `pane` (` Contacts  3/6  Zoë Peña`): position, total, row.
    static func selection(in pane: String, _ screen: String) -> (position: Int, total: Int, row: String)? {
        guard let line = lines(screen).last(where: { $0.hasPrefix(" \(pane)  ") }) else { return nil }
        let rest = line.dropFirst(pane.count + 3)
        let counter = rest.prefix { $0 != " " }
        let parts = counter.split(separator: "/")
        guard parts.count == 2, let position = Int(parts[0]), let total = Int(parts[1]) else { return nil }
        // The row's name, then a wide gap before the key hints on the right.
        let row = rest.dropFirst(counter.count).drop { $0 == " " }
        return (position, total, String(row.range(of: "   ").map { row[..<$0.lowerBound] } ?? row))
    }

    /// The last line: search input, prompts and messages.
    static func bottomLine(_ screen: String) -> String {
        String(lines(screen).last { !$0.isEmpty } ?? "")
    }

    /// The label of the profile editor's focused field (`│› Visibility  ‹ public ›` → Visibility).
    static func focusedField(_ screen: String) -> String? {
        guard let line = lines(screen).first(where: { $0.contains("│› ") }), let mark = line.range(of: "│› ") else { return nil }
        return line[mark.upperBound...].split(separator: " ").first.map(String.init)
    }

    /// The value the profile editor's visibility field shows (`‹ contacts ›` → contacts).
    static func visibilityShown(_ screen: String) -> String? {
        guard let start = screen.range(of: "‹ "), let end = screen[start.upperBound...].range(of: " ›") else { return nil }
        return String(screen[start.upperBound..<end.lowerBound])
    }
}
