/// The word lists generated contacts are made of: names in several scripts, interests, places.
///
/// Latin names mix plain spellings with diacritics and letters that Unicode does not decompose
/// (ø, ł, ß), because folding them is what the search index must get right; CJK names include
/// kanji, hanzi, kana and mixed forms like 東京タワー, which only bigrams can find.
enum NamePools {
    /// Latin-script given names, about half with diacritics.
    static let latinGiven = [
        "Zoë", "Øystein", "Łukasz", "François", "José", "Björn", "Åsa", "Renée", "Søren", "Jürgen",
        "Małgorzata", "Émilie", "Noël", "Chloé", "Inês", "João", "Ágnes", "Dagný", "Hélène", "Ştefan",
        "Anna", "Peter", "Maria", "Thomas", "Laura", "David", "Sofia", "Lucas", "Emma", "Oliver",
        "Jonathan", "Hannah", "Mateo", "Julia", "Samuel", "Clara", "Felix", "Nora", "Elias", "Mila",
    ]
    /// Latin-script family names, about half with diacritics.
    static let latinFamily = [
        "Müller", "Schröder", "Nørgaard", "Kowalski", "Wójcik", "Dubois", "Lefèvre", "García", "Peña", "Håkansson",
        "Özdemir", "Şahin", "Novák", "Dvořák", "Weiß", "Ødegård", "Łukasiewicz", "Gonçalves", "Björklund", "Kovačević",
        "Smith", "Johnson", "Brown", "Rossi", "Bianchi", "Jensen", "Larsen", "Martin", "Bernard", "Fischer",
        "Wagner", "Becker", "Moreau", "Ferrari", "Silva", "Santos", "Nowak", "Horvat", "Andersson", "Virtanen",
    ]
    /// Cyrillic given and family names.
    static let cyrillicGiven = [
        "Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Анна", "Алексей", "Мария", "Юлия", "Ёлка",
    ]
    static let cyrillicFamily = [
        "Иванов", "Петрова", "Смирнов", "Кузнецова", "Соколов", "Попов", "Лебедев", "Новикова", "Шевченко", "Фёдоров",
    ]
    /// Greek given and family names.
    static let greekGiven = ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Δημήτρης", "Κατερίνα", "Αθηνά", "Σοφία"]
    static let greekFamily = ["Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Παππά", "Αλεξίου", "Βλάχος"]
    /// Chinese family and given names, written without a space.
    static let chineseFamily = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"]
    static let chineseGiven = [
        "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
    ]
    /// Japanese family and given names, in kanji and kana.
    static let japaneseFamily = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤"]
    static let japaneseGiven = ["太郎", "花子", "翔太", "美咲", "健一", "さくら", "ゆい", "ハルト", "陽菜", "大輔"]
    /// Katakana and mixed names: foreign names and shop-like names such as 東京タワー.
    static let katakanaNames = [
        "東京タワー", "大阪カフェ", "京都ラーメン", "札幌ビール", "マリア・サトウ", "アンナ・スズキ", "ジョン・タナカ",
        "タナカ・ユキ", "横浜ベイスターズ", "渋谷スクランブル",
    ]
    /// Arabic given and family names.
    static let arabicGiven = ["محمد", "أحمد", "فاطمة", "علي", "عمر", "ليلى", "يوسف", "مريم"]
    static let arabicFamily = ["العلي", "حسن", "الحسيني", "خليل", "منصور", "الشامي"]

    /// Interests in several languages.
    static let interests = [
        "hiking", "chess", "photography", "cycling", "jazz", "yoga", "climbing", "astronomy", "cooking", "sailing",
        "gaming", "knitting", "Rust", "Swift", "open source", "Musik", "Bücher", "café", "fútbol", "jardinería",
        "randonnée", "escalade", "ski", "программирование", "шахматы", "φωτογραφία", "音楽", "料理", "旅行",
        "サッカー", "القراءة", "الشطرنج", "mountain biking", "board games", "Øl-brygging", "pâtisserie",
    ]
    /// General locations.
    static let locations = [
        "Berlin", "Kraków", "São Paulo", "Zürich", "Москва", "Αθήνα", "東京", "北京", "القاهرة", "Reykjavík",
        "Tromsø", "Montréal", "Łódź", "Malmö", "İstanbul", "Köln", "大阪", "上海", "Lisboa", "Bogotá",
    ]
    /// Nicknames used as aliases.
    static let nicknames = [
        "Zozo", "Dima", "小王", "Ники", "Lulu", "Bear", "Coach", "Doc", "Kiki", "老李", "Γιωργάκης", "Ali", "Sasha", "ケン",
    ]
    /// Note templates; `*` is replaced by a location.
    static let notes = [
        "met at FOSDEM", "colleague from *", "Studienfreund aus *", "познакомились в *", "*で会った",
        "صديق من *", "neighbour in *", "plays bass in the band", "owes me a coffee", "συνάδελφος στην *",
    ]
}
