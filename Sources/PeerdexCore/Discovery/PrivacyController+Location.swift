extension PrivacyController {
    /// Characters that separate the parts of a location: comma, full-width comma, Arabic comma.
    static let locationSeparators: Set<Character> = [",", "\u{FF0C}", "\u{060C}"]

    /// The general part of a location (city, region, country), for everything but a full profile.
    ///
    /// The rule, in order: split at commas (`,`, `，`, `،`); in each part drop every word holding
    /// a decimal digit (house numbers, postcodes, `4B`) and collapse white space; drop parts left
    /// empty; keep the last two parts, joined by `, `. So `12 Rue Mercière, 69002 Lyon, France`
    /// gives `Lyon, France`, and `Lyon` stays `Lyon`. The rule errs towards saying less: a street
    /// given alone keeps its name (`Rue Mercière 12` gives `Rue Mercière`), and an address
    /// written without spaces and with a digit (`千代田区1-1`) gives the empty string.
    public static func generalLocation(of location: String) -> String {
        var parts: [String] = []
        for part in location.split(whereSeparator: { locationSeparators.contains($0) }) {
            let words = part.split(whereSeparator: \.isWhitespace).filter { word in
                // Decimal digits only: CJK numerals such as 一 are letters of place names.
                !word.unicodeScalars.contains { $0.properties.numericType == .decimal }
            }
            if !words.isEmpty { parts.append(words.joined(separator: " ")) }
        }
        return parts.suffix(2).joined(separator: ", ")
    }
}
