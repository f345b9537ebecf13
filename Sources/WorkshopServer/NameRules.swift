import Foundation
import WorkshopEngine

/// What a display name may be: short, printable, one line.
public enum NameRules {
  public static func validate(_ raw: String, maxLength: Int) -> Result<String, InputProblem> {
    let name = raw.trimmingCharacters(in: .whitespaces)
    if name.isEmpty { return .failure(InputProblem("give a name to join")) }
    if name.count > maxLength {
      return .failure(InputProblem("names are at most \(maxLength) characters"))
    }
    if let problem = LearnerName.invisibleCharacterProblem(name) {
      return .failure(InputProblem(problem))
    }
    if name.contains("<") || name.contains(">") {
      return .failure(InputProblem("names may not contain < or >"))
    }
    return .success(name)
  }

  /// "Ana María" -> "ana-maria"; nil when nothing usable is left.
  public static func slug(_ name: String) -> String? {
    let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
    var out = ""
    var dash = false
    for ch in folded.unicodeScalars {
      if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
        if dash && !out.isEmpty { out.append("-") }
        out.unicodeScalars.append(ch)
        dash = false
      } else {
        dash = true
      }
      if out.count >= 40 { break }
    }
    return out.isEmpty ? nil : out
  }
}
