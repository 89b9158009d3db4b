import Foundation
import PeerdexCore
import PeerdexParallel
import PeerdexStore

/// The file formats contacts travel in.
public enum ContactFileFormat: String, CaseIterable, Sendable {
    /// vCard 4.0 (RFC 6350); 3.0 is read too.
    case vcard
    /// A JSON array of contact objects (the `--json` shape, with connection history).
    case json

    /// The format a file name implies, if its extension says.
    public init?(fileName: String) {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "vcf", "vcard": self = .vcard
        case "json": self = .json
        default: return nil
        }
    }

    /// The format the content looks like, if it is recognisable.
    init?(sniffing text: String) {
        let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if start.hasPrefix("[") || start.hasPrefix("{") {
            self = .json
        } else if start.prefix(11).uppercased() == "BEGIN:VCARD" {
            self = .vcard
        } else {
            return nil
        }
    }
}

/// One entry of an import report: what happened to the n-th contact of the file, and why.
public struct ImportReportEntry: Encodable, Equatable, Sendable {
    /// What was done.
    public enum Action: String, Encodable, Sendable {
        /// Added as a new contact.
        case imported
        /// Merged into an existing contact, which changed.
        case updated
        /// Not taken; `reason` says why.
        case skipped
    }

    /// 1-based position in the file.
    public var index: Int
    /// The line the entry starts on (vCard only).
    public var line: Int?
    /// The entry's peer ID, when it had a valid one.
    public var peerId: String?
    /// The entry's display name, when known.
    public var name: String?
    /// What was done.
    public var action: Action
    /// Why it was skipped.
    public var reason: String?
}

/// Import from and export to vCard and JSON files, one transaction per import.
public struct ContactExchange: Sendable {
    /// Files larger than this are refused rather than read into memory.
    public static let maximumFileSize = 256 * 1024 * 1024

    let book: ContactBook
    /// How contacts become JSON; tests give one that fails, to prove that a failure writes nothing.
    let encodeJSON: @Sendable ([ContactJSON]) throws -> Data

    /// An exchange over an opened book.
    public init(book: ContactBook) { self.init(book: book, encodeJSON: Self.prettyJSON) }

    init(book: ContactBook, encodeJSON: @escaping @Sendable ([ContactJSON]) throws -> Data) {
        self.book = book
        self.encodeJSON = encodeJSON
    }

    /// Imports a file and reports on every entry; a bad entry never stops the others.
    public func importFile(at path: String, format: ContactFileFormat? = nil) throws(AppError) -> [ImportReportEntry] {
        let text = try Self.readText(at: path)
        guard let format = format ?? ContactFileFormat(fileName: path) ?? ContactFileFormat(sniffing: text) else {
            throw .unreadableFile(path: path, reason: "neither vCard nor JSON (name it .vcf or .json, or use --format)")
        }
        let now = ContactBook.now()
        let parsed: [ParsedEntry]
        switch format {
        case .vcard: parsed = Self.parseVCards(text, now: now)
        case .json: parsed = try Self.parseJSON(text, path: path, now: now)
        }
        return try apply(parsed)
    }

    /// The whole book, blocked contacts included, in one format; throws rather than return less.
    public func export(as format: ContactFileFormat) throws(AppError) -> Data {
        let everything = try book.store { try $0.everything() }
        switch format {
        case .vcard:
            return Data(Contact.vCardText(for: everything.map(\.contact)).utf8)
        case .json:
            let records = everything.map { ContactJSON($0.contact, history: $0.history) }
            do {
                return try encodeJSON(records) + Data("\n".utf8)
            } catch {
                throw .exportFailed(reason: "the contacts cannot be written as JSON (\(error))")
            }
        }
    }

    /// Exports to a file that is replaced only by a whole export: on any failure (encoding, a full
    /// disk) the previous file stays as it was.
    public func export(as format: ContactFileFormat, to path: String) throws(AppError) {
        try AtomicFile.replace(path, with: export(as: format))
    }

    /// Pretty, sorted JSON; keys sorted so that two exports of the same book are byte-identical.
    static func prettyJSON(_ records: [ContactJSON]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(records)
    }

    // MARK: - Parsing

    /// An entry read from a file: a contact to merge, or why there is none.
    struct ParsedEntry {
        var index: Int
        var line: Int?
        var result: Result<(Contact, [ConnectionEvent]), SkipReason>
    }

    /// Why an entry was skipped.
    struct SkipReason: Error {
        var message: String
        var peerID: PeerID?
        var name: String?
    }

    static func parseVCards(_ text: String, now: Date) -> [ParsedEntry] {
        Contact.importVCardText(text, defaultAddedAt: now).map { entry in
            switch entry.result {
            case .contact(let contact):
                return ParsedEntry(index: entry.index, line: entry.line, result: .success((contact, [])))
            case .skipped(let reason):
                return ParsedEntry(index: entry.index, line: entry.line, result: .failure(SkipReason(message: reason)))
            }
        }
    }

    static func parseJSON(_ text: String, path: String, now: Date) throws(AppError) -> [ParsedEntry] {
        // Turning 100,000 decoded objects into contacts (dates, IDs) is CPU work: it runs on every
        // core, on each element as soon as it is decoded.
        let entry: @Sendable (Int, Lenient) -> ParsedEntry = { offset, element in
            let index = offset + 1
            switch element.result {
            case .failure(let problem):
                return ParsedEntry(index: index, result: .failure(SkipReason(message: problem.message)))
            case .success(let json):
                do throws(ContactJSONError) {
                    return ParsedEntry(index: index, result: .success(try json.contact(defaultAddedAt: now)))
                } catch {
                    let name = json.name.isEmpty ? nil : json.name
                    return ParsedEntry(index: index, result: .failure(SkipReason(message: error.description, name: name)))
                }
            }
        }
        do {
            let data = Data(text.utf8)
            if text.drop(while: \.isWhitespace).hasPrefix("{") {
                let elements = try JSONDecoder().decode(ContactsEnvelope.self, from: data).contacts
                return Array(elements.enumerated()).concurrentMap { entry($0.offset, $0.element) }
            }
            return try decodeArray(data, entry)
        } catch {
            throw .unreadableFile(path: path, reason: "not a JSON array of contacts (\(Self.describe(error)))")
        }
    }

    /// Decodes a JSON array of contacts and applies `transform` (given each element's offset) to
    /// every element, a run of elements per core when the array is large.
    ///
    /// JSONDecoder reads one document on one core, and was the slowest step of a large import.
    /// Here each core takes a run of elements and reads each with `ContactJSONScanner`, handing
    /// what the scanner declines to JSONDecoder element by element. A syntax error, or an array
    /// the splitter does not follow, falls back to decoding the whole document, so that errors
    /// read as they would without any of this.
    private static func decodeArray<T: Sendable>(_ data: Data, _ transform: @escaping @Sendable (Int, Lenient) -> T) throws -> [T] {
        let runs = data.count >= parallelDecodingBytes ? ProcessInfo.processInfo.activeProcessorCount : 1
        if let ranges = data.withUnsafeBytes({ JSONArraySplitter.elementRanges($0.bindMemory(to: UInt8.self)) }) {
            let runOffsets = (0..<runs).map { run in ranges.count * run / runs..<ranges.count * (run + 1) / runs }
            let decoded = runOffsets.concurrentMap(minimumChunk: 1) { offsets in
                data.withUnsafeBytes { raw -> [T]? in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    var results = [T]()
                    results.reserveCapacity(offsets.count)
                    for offset in offsets {
                        let element = UnsafeBufferPointer(rebasing: bytes[ranges[offset]])
                        if let contact = ContactJSONScanner.contact(element) {
                            results.append(transform(offset, Lenient(result: .success(contact))))
                        } else if let lenient = try? JSONDecoder().decode(Lenient.self, from: Data(buffer: element)) {
                            results.append(transform(offset, lenient))
                        } else {
                            return nil
                        }
                    }
                    return results
                }
            }
            if decoded.allSatisfy({ $0 != nil }) { return decoded.flatMap { $0! } }
        }
        let elements = try JSONDecoder().decode([Lenient].self, from: data)
        return Array(elements.enumerated()).concurrentMap { transform($0.offset, $0.element) }
    }

    /// Below this size one core reads the whole array: threads would cost more than they save.
    static let parallelDecodingBytes = 1 << 20

    // MARK: - Applying

    private func apply(_ parsed: [ParsedEntry]) throws(AppError) -> [ImportReportEntry] {
        var report = [ImportReportEntry]()
        var items = [(contact: Contact, history: [ConnectionEvent])]()
        var positions = [Int]()
        for entry in parsed {
            var line = ImportReportEntry(index: entry.index, line: entry.line, action: .skipped)
            switch entry.result {
            case .failure(let skip):
                line.peerId = skip.peerID?.text
                line.name = skip.name
                line.reason = skip.message
            case .success(let (contact, history)):
                line.peerId = contact.peerID.text
                line.name = contact.displayName
                if contact.peerID == book.identity.peerID {
                    line.reason = "that is your own peer ID"
                } else {
                    positions.append(report.count)
                    items.append((contact, history))
                }
            }
            report.append(line)
        }
        let actions = try book.store { try $0.importContacts(items) }
        for (position, action) in zip(positions, actions) {
            switch action {
            case .imported: report[position].action = .imported
            case .updated: report[position].action = .updated
            case .unchanged: report[position].reason = "already in your contacts with nothing new"
            }
        }
        return report
    }

    // MARK: - Files

    /// Reads a whole UTF-8 text file, refusing what is missing, too large or not text.
    static func readText(at path: String) throws(AppError) -> String {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .unreadableFile(path: path, reason: DataDirectory.reason(error))
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory {
            throw .unreadableFile(path: path, reason: "it is a directory")
        }
        if let size = attributes[.size] as? Int, size > maximumFileSize {
            throw .unreadableFile(path: path, reason: "larger than \(maximumFileSize / 1024 / 1024) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context):
            return context.underlyingError.map { "\(($0 as NSError).localizedDescription)" } ?? context.debugDescription
        default:
            return "\(error)"
        }
    }
}

/// A JSON element decoded without failing the array: a contact, or why it is not one.
private struct Lenient: Decodable, Sendable {
    var result: Result<ContactJSON, EntryProblem>

    init(result: Result<ContactJSON, EntryProblem>) { self.result = result }

    init(from decoder: any Decoder) throws {
        do {
            result = .success(try ContactJSON(from: decoder))
        } catch DecodingError.keyNotFound(let key, _) {
            result = .failure(EntryProblem(message: "missing \"\(key.stringValue)\""))
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.last?.stringValue ?? "entry"
            result = .failure(EntryProblem(message: "\"\(field)\" has the wrong type (\(context.debugDescription))"))
        } catch {
            result = .failure(EntryProblem(message: "not a contact object"))
        }
    }
}

/// `{"contacts": [...]}`, accepted as well as a bare array.
private struct ContactsEnvelope: Decodable {
    var contacts: [Lenient]
}

/// Why one JSON element is not a contact.
private struct EntryProblem: Error, Sendable {
    var message: String
}
