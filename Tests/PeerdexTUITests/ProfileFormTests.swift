import PeerdexCore
import Testing

@testable import PeerdexTUI

/// The own-profile form: load, edit, save, cancel, visibility cycling and refused limits.
@Suite struct ProfileFormTests {
    let stored = Profile(name: "Sam", interests: ["climbing", "rust"], location: "Lyon", visibility: .contacts, seq: 4)

    func type(_ text: String, into model: inout AppModel) {
        for character in text { _ = model.update(.key(.char(character))) }
    }

    /// The form, open and loaded with `stored`.
    func openForm(width: Int = 80, height: Int = 24) -> AppModel {
        var model = Fixtures.model(width: width, height: height)
        _ = model.update(.key(.char("p")))
        model.answerProfile(stored)
        return model
    }

    var form: (AppModel) -> ProfileForm? {
        { model in if case .profile(let form) = model.mode { form } else { nil } }
    }

    @Test func pOpensTheFormAndLoadsTheProfile() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("p"))).requests == [.loadProfile])
        #expect(form(model)?.loaded == nil)
        // Keys before the profile arrives would be overwritten by it: ignored.
        type("x", into: &model)
        expectSnapshot(model.render(), "profile-loading-80x24")
        model.answerProfile(stored)
        #expect(form(model)?.name.text == "Sam")
        #expect(form(model)?.interests.text == "climbing, rust")
        #expect(form(model)?.visibility == .contacts)
        expectSnapshot(model.render(), "profile-80x24")
    }

    @Test func editedFieldsAreSavedAndOnlyThose() throws {
        var model = openForm()
        _ = model.update(.key(.ctrl("u")))
        type("Sam Lee", into: &model)
        _ = model.update(.key(.tab))
        type(", chess,, ", into: &model)
        _ = model.update(.key(.tab))
        _ = model.update(.key(.tab))
        #expect(form(model)?.focus == .visibility)
        _ = model.update(.key(.char(" ")))
        let save = model.update(.key(.enter))
        let change = try ProfileChange(name: "Sam Lee", interests: ["climbing", "rust", "chess"], visibility: .friends)
        #expect(save.requests == [.updateProfile(change)])
        #expect(model.mode == .browse)
        // The profile is no contact: its answer reloads nothing.
        #expect(model.answer(.done("Saved your profile")) == [])
        #expect(model.message == StatusMessage("Saved your profile", kind: .success))
    }

    @Test func visibilityCyclesBothWays() {
        var model = openForm()
        _ = model.update(.key(.backTab))
        #expect(form(model)?.focus == .visibility)
        var seen: [PrivacyLevel] = []
        for _ in 0..<4 {
            _ = model.update(.key(.char(" ")))
            seen.append(form(model)!.visibility)
        }
        #expect(seen == [.friends, .private, .public, .contacts])
        _ = model.update(.key(.left))
        #expect(form(model)?.visibility == .public)
        _ = model.update(.key(.right))
        #expect(form(model)?.visibility == .contacts)
        _ = model.update(.key(.char("x")))  // not a visibility key: nothing typed anywhere
        #expect(form(model)?.name.text == "Sam")
        _ = model.update(.key(.char(" ")))
        expectSnapshot(model.render(), "profile-visibility-80x24")
    }

    @Test func escapeCancelsWithoutSaving() {
        var model = openForm()
        type("!!", into: &model)
        #expect(model.update(.key(.escape)) == [])
        #expect(model.mode == .browse && model.message == StatusMessage("cancelled"))
        // Escape before the profile arrives cancels its load; a late answer opens nothing.
        _ = model.update(.key(.char("p")))
        let cancelled = model.update(.key(.escape)).cancelled
        #expect(cancelled.count == 1)
        _ = model.update(.answered(cancelled[0], .profile(stored)))
        #expect(model.mode == .browse)
    }

    @Test func anUnchangedFormSavesNothing() {
        var model = openForm()
        _ = model.update(.key(.tab))
        _ = model.update(.key(.end))
        type(", Rust ", into: &model)  // a duplicate, normalized away
        #expect(model.update(.key(.enter)) == [])
        #expect(model.message == StatusMessage("nothing changed"))
    }

    @Test func aRefusedFieldKeepsTheFormOpenWithTheReason() {
        var model = openForm()
        _ = model.update(.key(.tab))
        _ = model.update(.key(.tab))
        _ = model.update(.key(.ctrl("u")))
        type(String(repeating: "x", count: 70), into: &model)
        _ = model.update(.key(.backTab))
        #expect(model.update(.key(.enter)) == [])
        let refused = form(model)
        #expect(refused?.error == ProfileError.locationTooLong(bytes: 70, limit: 64).description)
        #expect(refused?.focus == .location)
        let buffer = model.render()
        #expect(buffer[1, 22].style == Theme.standard.error)
        expectSnapshot(buffer, "profile-error-80x24")
        _ = model.update(.key(.backspace))
        #expect(form(model)?.error == nil)
    }

    @Test func failuresShowLikeOtherFailures() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("p")))
        model.fail("database is locked", transient: true) { $0 == .loadProfile }
        #expect(model.mode == .browse)
        #expect(model.message == StatusMessage("could not load your profile: database is locked", kind: .error))
        model = openForm()
        _ = model.update(.key(.ctrl("u")))
        type("Samuel", into: &model)
        _ = model.update(.key(.enter))
        model.fail("database is locked", transient: true) { $0.isMutation }
        #expect(model.message == StatusMessage("database is locked · press r to retry", kind: .error))
        #expect(model.update(.key(.char("r"))).requests == [.updateProfile(try! ProfileChange(name: "Samuel"))])
    }

    @Test func theFormFitsTheSmallestTerminal() {
        let model = openForm(width: 60, height: 12)
        let buffer = model.render()
        for field in ["Name", "Interests", "Location", "Visibility"] {
            #expect(buffer.text().contains(field), "\(field)")
        }
        expectSnapshot(buffer, "profile-60x12")
    }
}

extension AppModel {
    /// Answers the in-flight `.loadProfile`, as the app would.
    mutating func answerProfile(_ profile: Profile) {
        guard let id = latestInFlight(where: { $0 == .loadProfile })?.id else { return }
        _ = update(.answered(id, .profile(profile)))
    }
}
