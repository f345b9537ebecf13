#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Who issues Open Badges: the `issuer` Profile of every credential, read from a small config
/// file (docs/records.md, "Issuer settings") and options.
public struct IssuerProfile: Sendable, Hashable {
  /// Shown to whoever checks a badge, e.g. "Example Academy".
  public var name: String
  /// The issuer's web site, shown as the profile's `url`.
  public var url: String?
  public var email: String?
  /// The profile's `id`. Nil: the signing key's did:key, which binds the key to the issuer
  /// offline. An https URL is allowed, but then a verifier cannot tell offline that the key
  /// is the issuer's.
  public var id: String?
  /// Days a credential stays valid after it is awarded; nil: no `validUntil`.
  public var validDays: Int?

  public static let defaultName = "workshop"

  public init(name: String = IssuerProfile.defaultName, url: String? = nil, email: String? = nil, id: String? = nil, validDays: Int? = nil) {
    self.name = name
    self.url = url
    self.email = email
    self.id = id
    self.validDays = validDays
  }

  public struct Problem: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
  }

  public static let environmentVariable = "WORKSHOP_ISSUER_CONFIG"
  static let keys = ["name", "url", "email", "id", "valid-days"]

  /// The config file in use: the one given, else `$WORKSHOP_ISSUER_CONFIG`, else
  /// `~/.workshop/issuer.conf` when it exists.
  public static func configPath(_ given: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    if let given { return given }
    if let path = environment[environmentVariable], !path.isEmpty { return path }
    let home = environment["HOME"] ?? FilePath.accountHome
    let path = home + "/.workshop/issuer.conf"
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// Reads `key = value` lines (`#` starts a comment line), then lets the options win.
  public static func load(configPath: String?, name: String? = nil, url: String? = nil, email: String? = nil)
    throws(Problem) -> IssuerProfile
  {
    var values: [String: String] = [:]
    if let configPath {
      guard let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8)
      else { throw Problem("cannot read the issuer config file \(configPath)") }
      for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmed(.spaces)
        if line.isEmpty || line.hasPrefix("#") { continue }
        guard let eq = line.firstIndex(of: "=") else {
          throw Problem("\(configPath):\(number + 1): expected `key = value`")
        }
        let key = line[..<eq].trimmed(.spaces).lowercased()
        guard keys.contains(key) else {
          throw Problem("\(configPath):\(number + 1): unknown setting \"\(key)\" (known: \(keys.joined(separator: ", ")))")
        }
        values[key] = line[line.index(after: eq)...].trimmed(.spaces)
      }
    }
    if let name { values["name"] = name }
    if let url { values["url"] = url }
    if let email { values["email"] = email }
    var profile = IssuerProfile()
    if let n = values["name"], !n.isEmpty { profile.name = n }
    let place = configPath.map { " (in \($0))" } ?? ""
    for key in ["url", "id"] {
      guard let value = values[key], !value.isEmpty else { continue }
      guard Self.isAbsoluteURI(value) else {
        throw Problem("issuer \(key) `\(value)`\(place) must be an absolute URI, such as https://learning.example.org")
      }
      if key == "url" { profile.url = value } else { profile.id = value }
    }
    if let email = values["email"], !email.isEmpty {
      guard email.contains("@"), !email.contains(" ") else {
        throw Problem("issuer email `\(email)`\(place) is not an email address")
      }
      profile.email = email
    }
    if let days = values["valid-days"], !days.isEmpty {
      guard let n = Int(days), n > 0 else {
        throw Problem("valid-days `\(days)`\(place) must be a whole number of days above 0")
      }
      profile.validDays = n
    }
    return profile
  }

  static func isAbsoluteURI(_ text: String) -> Bool {
    guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty else { return false }
    if ["http", "https"].contains(scheme) { return url.host != nil }
    return true
  }
}
