import PeerdexCore

/// The own-profile form: name, interests, location and visibility, edited in one overlay.
public struct ProfileForm: Hashable, Sendable {
    /// The form's fields, in Tab order.
    public enum Field: Int, CaseIterable, Hashable, Sendable {
        /// Display name.
        case name
        /// Interests, comma separated.
        case interests
        /// General location.
        case location
        /// Who may find the profile.
        case visibility

        /// The label shown before the field.
        public var label: String {
            switch self {
            case .name: return "Name"
            case .interests: return "Interests"
            case .location: return "Location"
            case .visibility: return "Visibility"
            }
        }
    }

    /// The profile as loaded; nil while `.loadProfile` is in flight (the form cannot be edited
    /// yet, or the answer would overwrite what was typed).
    public var loaded: Profile?
    /// The name being edited.
    public var name = TextField()
    /// The interests being edited, comma separated.
    public var interests = TextField()
    /// The location being edited.
    public var location = TextField()
    /// The visibility chosen.
    public var visibility: PrivacyLevel = .private
    /// The field that takes the keys.
    public var focus: Field = .name
    /// Why the last save was refused (a profile limit), shown until the next edit.
    public var error: String?

    /// A form waiting for the profile.
    public init() {}

    /// A form filled with a loaded profile.
    public init(profile: Profile) {
        loaded = profile
        name = TextField(profile.name)
        interests = TextField(profile.interests.joined(separator: ", "))
        location = TextField(profile.location)
        visibility = profile.visibility
    }

    /// The text field of a text field's focus; nil for visibility.
    func text(of field: Field) -> TextField? {
        switch field {
        case .name: return name
        case .interests: return interests
        case .location: return location
        case .visibility: return nil
        }
    }

    /// Interests as typed: split at commas, blanks dropped (normalization does the rest).
    static func interests(from text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// The change from the loaded profile: only the fields that differ once normalized, so a
    /// field changed meanwhile elsewhere (`peerdex profile set`) is not overwritten with what
    /// the form loaded. Nil while loading.
    func change() throws(ProfileError) -> ProfileChange? {
        guard let loaded else { return nil }
        let name = Profile.normalizedLine(self.name.text)
        let interests = Profile.normalizedInterests(Self.interests(from: self.interests.text))
        let location = Profile.normalizedLine(self.location.text)
        return try ProfileChange(
            name: name == loaded.name ? nil : name,
            interests: interests == loaded.interests ? nil : interests,
            location: location == loaded.location ? nil : location,
            visibility: visibility == loaded.visibility ? nil : visibility)
    }

    /// The field a refused change points at, to put the cursor there.
    static func field(of error: ProfileError) -> Field? {
        switch error {
        case .nameTooLong: return .name
        case .locationTooLong: return .location
        case .interestTooLong, .tooManyInterests: return .interests
        case .controlCharacter(let field):
            return field == "name" ? .name : field == "location" ? .location : .interests
        case .invalidSeq: return nil
        }
    }
}

extension PrivacyLevel {
    /// The next level in `allCases` order, wrapping around: Space on the visibility field.
    var cycledForward: PrivacyLevel {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The previous level, wrapping around.
    var cycledBackward: PrivacyLevel {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }

    /// What the level means for the user's own profile, one line.
    var profileMeaning: String {
        switch self {
        case .public: return "anyone on the network may find you"
        case .contacts: return "only people in your contacts may find you"
        case .friends: return "only contacts marked as friends may find you"
        case .private: return "nobody; your profile never leaves this machine"
        }
    }
}

extension AppModel {
    /// `p`: opens the form and asks for the profile.
    mutating func openProfileForm() -> [Command] {
        mode = .profile(ProfileForm())
        return cancelRequests(where: { $0 == .loadProfile }) + [issue(.loadProfile)]
    }

    /// The loaded profile fills the form, if it is still open and waiting.
    mutating func receive(_ profile: Profile) -> [Command] {
        guard case .profile(let form) = mode, form.loaded == nil else { return [] }
        mode = .profile(ProfileForm(profile: profile))
        return []
    }

    /// The profile could not be read: the form closes and says why, like other failures.
    mutating func profileLoadFailed(_ failure: RequestFailure) -> [Command] {
        if case .profile = mode { mode = .browse }
        message = StatusMessage("could not load your profile: \(failure.reason)", kind: .error)
        return []
    }

    /// Keys in the form: Tab and arrows move between fields, Space and ←/→ cycle the visibility,
    /// other keys edit the focused text; Enter saves, Esc cancels.
    mutating func handleProfileKey(_ key: Key, _ form: ProfileForm) -> [Command] {
        var form = form
        if key == .escape {
            mode = .browse
            message = StatusMessage("cancelled")
            return cancelRequests(where: { $0 == .loadProfile })
        }
        guard form.loaded != nil else { return [] }
        let fields = ProfileForm.Field.allCases
        switch key {
        case .enter:
            return saveProfile(form)
        case .tab, .down:
            form.focus = fields[(form.focus.rawValue + 1) % fields.count]
        case .backTab, .up:
            form.focus = fields[(form.focus.rawValue + fields.count - 1) % fields.count]
        default:
            if form.focus == .visibility {
                switch key {
                case .char(" "), .right: form.visibility = form.visibility.cycledForward
                case .left: form.visibility = form.visibility.cycledBackward
                default: return []
                }
                form.error = nil
            } else if edit(&form, with: key) {
                form.error = nil
            }
        }
        mode = .profile(form)
        return []
    }

    /// Applies an editing key to the focused text field.
    private func edit(_ form: inout ProfileForm, with key: Key) -> Bool {
        switch form.focus {
        case .name: return form.name.handle(key)
        case .interests: return form.interests.handle(key)
        case .location: return form.location.handle(key)
        case .visibility: return false
        }
    }

    /// Checks the form against the profile's limits; a refused field keeps the form open with
    /// the reason, an unchanged form saves nothing.
    private mutating func saveProfile(_ form: ProfileForm) -> [Command] {
        var form = form
        let change: ProfileChange?
        do {
            change = try form.change()
        } catch {
            form.error = error.description
            if let field = ProfileForm.field(of: error) { form.focus = field }
            mode = .profile(form)
            return []
        }
        mode = .browse
        guard let change, !change.isEmpty else {
            message = StatusMessage("nothing changed")
            return []
        }
        return [issue(.updateProfile(change))]
    }
}
