#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Finding a record from what a person holds: a file of any kind `export` writes, or only the
/// verification code printed on a certificate.
public enum RecordLookup {
  /// What a file holds, once told apart.
  public enum Document: Sendable {
    /// A JSON completion record, or the one a certificate carries.
    case record(Data, fromCertificate: Bool)
    /// Neither: the caller says what else it may be (an Open Badges credential).
    case other(Data)
  }

  public static func document(_ data: Data) -> Document {
    let head = String(decoding: data.prefix(512), as: UTF8.self).trimmed()
    guard head.hasPrefix("<") else { return .record(data, fromCertificate: false) }
    if let embedded = CertificateExporter.embeddedRecord(inHTML: String(decoding: data, as: UTF8.self)) {
      return .record(embedded, fromCertificate: true)
    }
    return .other(data)
  }

  /// Codes are shown grouped (`ABCD-EFGH-IJKL`) and may be typed in any case or spacing.
  public static func normalizedCode(_ code: String) -> String {
    String(code.uppercased().filter { $0.isLetter || $0.isNumber })
  }

  public static func code(ofDigest digest: String) -> String {
    RecordHash.verificationCode(digestHex: digest)
  }

  /// Record files (`.json`, certificates `.html`) in a folder and its subfolders whose recorded
  /// digest gives `code`. Only the recorded digest is compared here; the caller verifies the
  /// file, so a record edited after the fact is found and then reported as tampered.
  public static func files(withCode code: String, in folder: String) -> [String] {
    let wanted = normalizedCode(code)
    guard let walker = try? FileManager.default.subpathsOfDirectory(atPath: folder) else { return [] }
    var found: [String] = []
    for relative in walker {
      let lower = relative.lowercased()
      guard lower.hasSuffix(".json") || lower.hasSuffix(".html") || lower.hasSuffix(".htm") else { continue }
      let path = FilePath.join(folder, relative)
      guard let data = FileManager.default.contents(atPath: path),
        case .record(let json, _) = document(data),
        let value = try? JSONParser.parse(json),
        value["schema"]?.string == CompletionRecord.schema,
        let digest = value["digest"]?.string
      else { continue }
      if Self.code(ofDigest: digest) == wanted { found.append(path) }
    }
    return found.sorted()
  }

  /// A roster row (from `workshop roster --format csv`) for the code: the roster verified each
  /// record when it was made and keeps its digest and verdict, not the record itself.
  public struct RosterRow: Sendable, Equatable {
    public var learnerName: String
    public var courseTitle: String
    public var courseVersion: String
    public var completedAt: String
    public var verification: String
  }

  public static func rosterRow(withCode code: String, csv: String) -> RosterRow? {
    let wanted = normalizedCode(code)
    let rows = CSVReader.rows(csv)
    guard let header = rows.first else { return nil }
    func column(_ name: String) -> Int? { header.firstIndex(of: name) }
    guard let digestColumn = column("record_digest") else { return nil }
    for row in rows.dropFirst() where row.count == header.count {
      guard Self.code(ofDigest: row[digestColumn]) == wanted else { continue }
      func field(_ name: String) -> String { column(name).map { row[$0] } ?? "" }
      return RosterRow(
        learnerName: field("learner_name"), courseTitle: field("course_title"),
        courseVersion: field("course_version"), completedAt: field("completed_at"),
        verification: field("verification"))
    }
    return nil
  }
}

/// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
public enum CSVReader {
  public static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            field.unicodeScalars.append("\"")
            chars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"": quoted = true
      case ",":
        row.append(field)
        field = ""
      case "\r": continue
      case "\n":
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      default: field.unicodeScalars.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }
}
