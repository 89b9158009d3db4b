/// One vCard: its content lines between `BEGIN:VCARD` and `END:VCARD`, in file order.
///
/// The model is generic (RFC 6350 §3.3): it knows nothing about which properties exist, so cards
/// from any exporter survive a parse → print round trip. `BEGIN`, `END` and `VERSION` are not
/// stored as properties; the printer writes them.
public struct VCard: Hashable, Sendable {
    /// The card's properties, in the order they appeared.
    public var properties: [VCardProperty]
    /// The `VERSION` the card declared when it was parsed (e.g. "3.0"); nil when it had none.
    public var version: String?

    /// A card from its properties.
    public init(properties: [VCardProperty] = [], version: String? = nil) {
        self.properties = properties
        self.version = version
    }

    // MARK: - Lookup

    /// Every property with the given name (case-insensitive), in file order.
    public func properties(named name: String) -> [VCardProperty] {
        let upper = name.uppercased()
        return properties.filter { $0.name == upper }
    }

    /// The first property with the given name (case-insensitive).
    public func first(_ name: String) -> VCardProperty? {
        let upper = name.uppercased()
        return properties.first { $0.name == upper }
    }

    // MARK: - Building

    /// Appends a property.
    public mutating func append(_ property: VCardProperty) {
        properties.append(property)
    }
}

/// One content line: `[group.]NAME[;param=value…]:value` (RFC 6350 §3.3).
public struct VCardProperty: Hashable, Sendable {
    /// The group prefix (`item1` in `item1.EMAIL`), if any.
    public var group: String?
    /// The property name, uppercased (`FN`, `X-PEERDEX-PRIVACY`).
    public var name: String
    /// The parameters, in file order; a name may repeat.
    public var parameters: [VCardParameter]
    /// The raw value, still escaped as in the file (see `VCardText` to decode it).
    public var value: String

    /// A property with a raw, already-escaped value.
    public init(group: String? = nil, name: String, parameters: [VCardParameter] = [], value: String) {
        self.group = group
        self.name = name.uppercased()
        self.parameters = parameters
        self.value = value
    }

    /// A property whose value is a single text, escaped here (RFC 6350 §3.4).
    public init(group: String? = nil, name: String, parameters: [VCardParameter] = [], text: String) {
        self.init(group: group, name: name, parameters: parameters, value: VCardText.escape(text))
    }

    /// A property whose value is a comma-separated list of texts, each escaped here.
    public init(group: String? = nil, name: String, parameters: [VCardParameter] = [], list: [String]) {
        let value = list.map(VCardText.escape).joined(separator: ",")
        self.init(group: group, name: name, parameters: parameters, value: value)
    }

    // MARK: - Decoded values

    /// The value as one unescaped text.
    public var text: String { VCardText.unescape(value) }

    /// The value as a list of unescaped texts, split at unescaped commas.
    public var list: [String] { VCardText.list(value) }

    /// The value as structured fields (split at `;`), each a list (split at `,`), unescaped.
    public var structured: [[String]] { VCardText.structured(value) }

    // MARK: - Parameters

    /// Every value of the parameters with the given name (case-insensitive), in file order.
    public func parameterValues(_ name: String) -> [String] {
        let upper = name.uppercased()
        return parameters.filter { $0.name == upper }.flatMap(\.values)
    }

    /// The `PREF` parameter (1 = most preferred), or nil when absent or not a number.
    public var preference: Int? {
        parameterValues("PREF").lazy.compactMap { Int($0) }.first
    }
}

/// One parameter of a content line: a name and one or more values (RFC 6350 §5).
public struct VCardParameter: Hashable, Sendable {
    /// The parameter name, uppercased (`TYPE`, `PREF`).
    public var name: String
    /// The values, unquoted and with RFC 6868 `^` escapes decoded.
    public var values: [String]

    /// A parameter from its name and values.
    public init(name: String, values: [String]) {
        self.name = name.uppercased()
        self.values = values
    }

    /// A parameter with a single value.
    public init(_ name: String, _ value: String) {
        self.init(name: name, values: [value])
    }
}
