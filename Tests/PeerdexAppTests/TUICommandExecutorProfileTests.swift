import Foundation
import PeerdexCore
import PeerdexTUI
import Testing

@testable import PeerdexApp

/// The TUI's profile requests against a real book, and the network search placeholder.
@Suite struct TUICommandExecutorProfileTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-exec-profile-\(UUID().uuidString)")

    func withExecutor(_ body: (TUICommandExecutor, ContactBook) throws -> Void) throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        try body(TUICommandExecutor(book: book), book)
    }

    @Test func theProfileLoadsAndSavesThroughTheBook() throws {
        try withExecutor { executor, book in
            guard case .success(.profile(let empty)) = executor.perform(.loadProfile) else {
                Issue.record("expected a profile")
                return
            }
            #expect(empty.visibility == .private && empty.seq == 0)
            let change = try ProfileChange(name: "Sam", interests: ["rust"], visibility: .public)
            let saving = executor.perform(.updateProfile(change))
            #expect(saving == .success(.done("Saved your profile (visibility: public)")))
            let saved = try book.profile()
            #expect(saved.name == "Sam" && saved.interests == ["rust"] && saved.visibility == .public && saved.seq == 1)
            #expect(executor.perform(.updateProfile(change)) == .success(.done("Your profile is unchanged")))
            #expect(executor.perform(.loadProfile) == .success(.profile(try book.profile())))
        }
    }

    @Test func aNetworkSearchWithoutANodeSaysTheNetworkIsOff() throws {
        try withExecutor { executor, _ in
            #expect(executor.perform(.networkSearch(query: "a")) == .failure(RequestFailure("the network is off")))
        }
    }
}
