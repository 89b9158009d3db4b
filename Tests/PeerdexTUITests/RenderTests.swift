import PeerdexCore
import Testing

@testable import PeerdexTUI

/// Snapshots of every screen, at 80×24 and 200×50; styles asserted on cells.
@Suite struct RenderTests {
    // MARK: - Panes

    @Test func contactsAt80x24() {
        expectSnapshot(Fixtures.model().render(), "contacts-80x24")
    }

    @Test func contactsAt200x50() {
        expectSnapshot(Fixtures.model(width: 200, height: 50).render(), "contacts-200x50")
    }

    @Test func contactsAt100x30ShowsDetailsBeside() {
        expectSnapshot(Fixtures.model(width: 100, height: 30).render(), "contacts-100x30")
    }

    @Test func favoritesPane() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("2")))
        let favorites = Fixtures.book.filter(\.isFavorite)
        model.answer(.window(ContactWindow(pane: .favorites, offset: 0, rows: favorites, total: 2)))
        expectSnapshot(model.render(), "favorites-80x24")
    }

    @Test func blockedPane() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("5")))
        let blocked = [Fixtures.contact(30, "Spam Bot 3000", note: "Sent 40 invites in a minute", blocked: true)]
        model.answer(.window(ContactWindow(pane: .blocked, offset: 0, rows: blocked, total: 1)))
        expectSnapshot(model.render(), "blocked-80x24")
    }

    @Test func searchWithResults() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        for character in "ch" { _ = model.update(.key(.char(character))) }
        let results = Fixtures.book.filter { $0.name.lowercased().contains("ch") || $0.interests.contains("chess") }
        model.answerSearch("ch", results)
        expectSnapshot(model.render(), "search-typing-80x24")
        _ = model.update(.key(.enter))
        expectSnapshot(model.render(), "search-kept-80x24")
    }

    @Test func searchWithoutMatches() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        for character in "zzz" { _ = model.update(.key(.char(character))) }
        model.answerSearch("zzz", [])
        expectSnapshot(model.render(), "search-no-match-80x24")
    }

    // MARK: - Empty states

    @Test func emptyBookTeaches() {
        let model = Fixtures.model(rows: [], counts: PaneCounts())
        expectSnapshot(model.render(), "empty-contacts-80x24")
    }

    @Test func emptyNearbySaysDiscoveryIsOff() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("3"))) == [])  // Nearby is never loaded from the store
        _ = model.update(.nearbyAvailability(.off(hint: NearbyTests.offHint)))
        expectSnapshot(model.render(), "empty-nearby-80x24")
    }

    @Test func emptySearchPaneExplainsSearch() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("4")))
        expectSnapshot(model.render(), "empty-search-80x24")
    }

    // MARK: - Details, overlays, dialogs

    @Test func detailViewFullWidth() {
        var model = Fixtures.model()
        _ = model.update(.key(.enter))
        expectSnapshot(model.render(), "detail-80x24")
    }

    @Test func helpOverlay() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("?")))
        expectSnapshot(model.render(), "help-80x24")
        var big = Fixtures.model(width: 200, height: 50)
        _ = big.update(.key(.char("?")))
        expectSnapshot(big.render(), "help-200x50")
    }

    @Test func identityOverlay() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("i")))
        expectSnapshot(model.render(), "identity-80x24")
    }

    @Test func addDialogRefusesABadID() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        for character in "abc1" { _ = model.update(.key(.char(character))) }
        _ = model.update(.key(.enter))
        expectSnapshot(model.render(), "add-error-80x24")
        let status = model.render()
        #expect(status[1, 22].style == Theme.standard.error)
    }

    @Test func addDialogAsksForTheName() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        for character in Invite(peerID: Fixtures.peerID(42), name: "Grace Hopper").url {
            _ = model.update(.key(.char(character)))
        }
        _ = model.update(.key(.enter))
        expectSnapshot(model.render(), "add-name-80x24")
    }

    @Test func confirmBlock() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("j")))
        _ = model.update(.key(.char("b")))
        expectSnapshot(model.render(), "confirm-block-80x24")
    }

    @Test func mutationMessages() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("f")))
        model.fail("could not save: database is locked") { $0.isMutation }
        expectSnapshot(model.render(), "error-message-80x24")
        _ = model.update(.key(.char("f")))
        model.answer(.done("Added Grace Hopper"))
        #expect(model.render().line(23) == "✓ Added Grace Hopper")
    }

    @Test func tooSmall() {
        expectSnapshot(Fixtures.model(width: 50, height: 10).render(), "too-small-50x10")
    }

    // MARK: - Unicode

    @Test func unicodeNamesKeepColumnsAligned() {
        let model = Fixtures.model(rows: Fixtures.unicodeBook)
        let buffer = model.render()
        expectSnapshot(buffer, "unicode-80x24")
        // Every row of the list has its right border at the same column, whatever the names.
        for row in 2..<21 {
            #expect(buffer[79, row].grapheme == "│" || buffer[79, row].grapheme == "┃", "row \(row)")
            #expect(DisplayWidth.of(buffer.line(row)) <= 80)
        }
        expectSnapshot(Fixtures.model(width: 200, height: 50, rows: Fixtures.unicodeBook).render(), "unicode-200x50")
    }

    // MARK: - Scrolling and styles

    @Test func scrolledFarIntoAHugeList() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        _ = model.update(.key(.end))
        model.answer(.window(ContactWindow(
            pane: .contacts, offset: 99_800, rows: Fixtures.generated(offset: 99_800, count: 200), total: 100_000)))
        expectSnapshot(model.render(), "scrolled-end-80x24")
    }

    @Test func selectedRowAndFavoriteStarAreStyled() {
        let buffer = Fixtures.model().render()
        // Row 3 is the first contact (tab bar, box top, header), selected.
        #expect(buffer[5, 3].style == Theme.standard.selection)
        // Chloé (third row, not selected) is a favorite: yellow star.
        #expect(buffer[2, 5].grapheme == "★")
        #expect(buffer[2, 5].style == Theme.standard.favorite)
        // Active tab is styled as such.
        #expect(buffer[1, 0].style == Theme.standard.activeTab)
        #expect(buffer[0, 22].style == Theme.standard.status)
    }

    @Test func monochromeUsesNoColor() {
        let buffer = Fixtures.model(theme: .monochrome).render()
        #expect(buffer.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        #expect(buffer[5, 3].style.reverse)
    }
}
