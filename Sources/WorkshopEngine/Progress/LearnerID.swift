import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A learner's id: the name of their folder under `progress/`. Validated so it can never
/// escape that folder (no `/`, no `..`, no leading dot).
public struct LearnerID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  public let rawValue: String

  public init(validating text: String) throws(LearnerError) {
    guard Self.isValid(text) else { throw .invalidID(text) }
    rawValue = text
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard Self.isValid(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "invalid learner id '\(text)'"))
    }
    rawValue = text
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }

  public var description: String { rawValue }

  public static func < (a: LearnerID, b: LearnerID) -> Bool { a.rawValue < b.rawValue }

  /// `^[a-z0-9][a-z0-9_-]{0,63}$`
  public static func isValid(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard (1...64).contains(bytes.count) else { return false }
    for (i, b) in bytes.enumerated() {
      let alnum = (b >= 97 && b <= 122) || (b >= 48 && b <= 57)
      if i == 0 ? !alnum : !(alnum || b == 45 || b == 95) { return false }
    }
    return true
  }

  /// "Ana María" → "ana-maria". Diacritics are folded, anything else that is not a letter or
  /// digit becomes a single '-'. Nil when nothing usable is left.
  public static func slug(fromName name: String) -> LearnerID? {
    let folded = UnicodeFolding.foldingAccents(name, caseInsensitive: true)
    var out = ""
    var pendingDash = false
    for scalar in folded.unicodeScalars {
      let piece: String?
      switch scalar {
      case "a"..."z", "0"..."9": piece = String(scalar)
      case "A"..."Z": piece = String(scalar).lowercased()
      default: piece = extraFolds[scalar]
      }
      if let piece {
        if pendingDash, !out.isEmpty { out += "-" }
        pendingDash = false
        out += piece
      } else {
        pendingDash = true
      }
    }
    if out.utf8.count > 64 {
      // Cutting alone would let two long names share a folder: a readable prefix plus a digest
      // of the whole name keeps them apart (the profile keeps the name itself).
      var prefix = String(out.utf8.prefix(64 - 1 - longNameDigestLength))!
      while prefix.hasSuffix("-") { prefix.removeLast() }
      let digest = SHA256.hash(data: Data(name.utf8)).prefix(longNameDigestLength / 2)
      out = prefix + "-" + digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
    return try? LearnerID(validating: out)
  }

  /// Hex digits of the name's digest in the id of a name too long to use whole.
  static let longNameDigestLength = 16

  // Letters that carry no combining mark, so diacritic folding leaves them alone.
  private static let extraFolds: [Unicode.Scalar: String] = [
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "đ": "d",
    "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i",
  ]
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

/// The rule for the name a learner goes by, wherever one is made (a local profile or a live
/// session): it is shown on terminals, in records and on certificates, so it may not hold
/// anything that could change how those read.
public enum LearnerName {
  /// Why `name` cannot be a learner's name, or nil when it can. Control and format characters
  /// (escape sequences, tabs, newlines, bidirectional overrides) could rewrite what a terminal or
  /// page shows.
  public static func invisibleCharacterProblem(_ name: String) -> String? {
    for scalar in name.unicodeScalars {
      switch scalar.properties.generalCategory {
      case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
        return "names may not contain control or invisible characters"
      default: continue
      }
    }
    return nil
  }
}

/// `progress/<id>/profile.json`.
public struct LearnerProfile: Sendable, Codable, Hashable {
  public var id: LearnerID
  public var name: String
  /// UTC timestamp, as in the journal.
  public var created: String
  /// The learner's `workshop review` settings; absent until they change one.
  public var review: ReviewSettings?

  public init(
    id: LearnerID, name: String, created: String = JournalEvent.timestamp(), review: ReviewSettings? = nil
  ) {
    self.id = id
    self.name = name
    self.created = created
    self.review = review
  }
}
