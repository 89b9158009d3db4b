/// The word lists the demo's people are made of: names in several scripts (so the demo shows
/// folding and wide characters at work), places and interests.
enum DemoNames {
    /// A full name: about half Latin-script (many with diacritics), the rest Cyrillic, Greek,
    /// Chinese, Japanese or Arabic.
    static func draw(using random: inout SplitMix64) -> String {
        switch random.below(10) {
        case 0..<5: return "\(random.pick(latinGiven)) \(random.pick(latinFamily))"
        case 5: return "\(random.pick(cyrillicGiven)) \(random.pick(cyrillicFamily))"
        case 6: return "\(random.pick(greekGiven)) \(random.pick(greekFamily))"
        case 7: return random.pick(chineseFamily) + random.pick(chineseGiven)
        case 8: return random.pick(japaneseFamily) + random.pick(japaneseGiven)
        default: return "\(random.pick(arabicGiven)) \(random.pick(arabicFamily))"
        }
    }

    static let latinGiven = [
        "Zoë", "Øystein", "Łukasz", "François", "José", "Björn", "Åsa", "Renée", "Søren", "Jürgen", "Inês", "Noël",
        "Anna", "Peter", "Maria", "Laura", "David", "Sofia", "Lucas", "Emma", "Nora", "Elias", "Mila", "Clara",
    ]
    static let latinFamily = [
        "Müller", "Schröder", "Nørgaard", "Kowalski", "Dubois", "García", "Peña", "Özdemir", "Novák", "Weiß",
        "Gonçalves", "Kovačević", "Smith", "Rossi", "Jensen", "Martin", "Fischer", "Silva", "Nowak", "Virtanen",
    ]
    static let cyrillicGiven = ["Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Анна", "Алексей", "Юлия"]
    static let cyrillicFamily = ["Иванов", "Петрова", "Смирнов", "Кузнецова", "Соколов", "Лебедева", "Фёдоров"]
    static let greekGiven = ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Δημήτρης", "Κατερίνα"]
    static let greekFamily = ["Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Βλάχος"]
    static let chineseFamily = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"]
    static let chineseGiven = ["伟", "芳", "秀英", "敏", "静", "磊", "洋", "明"]
    static let japaneseFamily = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "山本"]
    static let japaneseGiven = ["太郎", "花子", "翔太", "美咲", "さくら", "ゆい"]
    static let arabicGiven = ["محمد", "فاطمة", "علي", "ليلى", "يوسف", "مريم"]
    static let arabicFamily = ["العلي", "حسن", "خليل", "منصور"]

    /// General locations.
    static let locations = [
        "Berlin", "Kraków", "São Paulo", "Zürich", "Москва", "Αθήνα", "東京", "北京", "القاهرة", "Reykjavík",
        "Tromsø", "Montréal", "Malmö", "İstanbul", "Lisboa",
    ]

    /// Interests, commonest first (`DemoPopulation.drawInterests` favours the start).
    static let interests = [
        "jazz", "chess", "hiking", "climbing", "photography", "open source", "cycling", "astronomy", "cooking",
        "board games", "sailing", "tango", "шахматы", "音楽", "pâtisserie",
    ]
}
