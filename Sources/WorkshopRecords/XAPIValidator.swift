#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Checks xAPI 1.0.3 statements against the rules a conformant LRS enforces (xAPI-Data §2.2,
/// §2.4 and the ADL conformance suite's negative cases), so that an export is known to be
/// accepted before anyone tries to send it.
public enum XAPIValidator {
  public struct Problem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
  }

  public static func validate(statements: [JSONValue], now: Date? = nil) -> [Problem] {
    var out: [Problem] = []
    for (i, s) in statements.enumerated() {
      out += validate(statement: s, now: now).map { Problem(path: "[\(i)].\($0.path)", message: $0.message) }
    }
    return out
  }

  /// Problems with one statement; empty when an LRS would accept it.
  public static func validate(statement: JSONValue, now: Date? = nil) -> [Problem] {
    var v = Validator(now: now)
    v.statement(statement, path: "statement", sub: false)
    return v.problems
  }

  // MARK: Lexical checks, public because the exporter's tests use them too.

  /// RFC 4122 textual form, 8-4-4-4-12 hex digits.
  public static func isUUID(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count == 36 else { return false }
    for (i, c) in u.enumerated() {
      if i == 8 || i == 13 || i == 18 || i == 23 {
        guard c == UInt8(ascii: "-") else { return false }
      } else {
        guard isHex(c) else { return false }
      }
    }
    return true
  }

  static func isHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (97...102).contains(c) || (65...70).contains(c) }

  /// An absolute IRI: a scheme (letter, then letters, digits, `+`, `-`, `.`), a colon, something
  /// after it, and no whitespace.
  public static func isAbsoluteIRI(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < u.count - 1 else { return false }
    guard isLetter(u[0]) else { return false }
    for c in u[1..<colon] {
      guard isLetter(c) || (48...57).contains(c) || c == 43 || c == 45 || c == 46 else { return false }
    }
    for c in u where c <= 32 || c == 127 || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"") {
      return false
    }
    return true
  }

  static func isLetter(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }

  /// An RFC 5646 language tag in its common shapes: language (2–3 letters, or 4–8), optional
  /// extlang, script, region, variants, extensions and private use; or a private-use tag `x-…`.
  public static func isLanguageTag(_ tag: String) -> Bool {
    let parts = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.count <= 8 && $0.utf8.allSatisfy { isLetter($0) || (48...57).contains($0) } }) else {
      return false
    }
    func alpha(_ s: String) -> Bool { s.utf8.allSatisfy(isLetter) }
    func digits(_ s: String) -> Bool { s.utf8.allSatisfy { (48...57).contains($0) } }
    var i = 0
    if parts[0].lowercased() == "x" || parts[0].lowercased() == "i" { return parts.count > 1 }
    guard alpha(parts[0]), (2...8).contains(parts[0].count) else { return false }
    i = 1
    var ext = 0
    while i < parts.count, parts[0].count <= 3, alpha(parts[i]), parts[i].count == 3, ext < 3 {
      i += 1
      ext += 1
    }
    if i < parts.count, alpha(parts[i]), parts[i].count == 4 { i += 1 }
    if i < parts.count, (alpha(parts[i]) && parts[i].count == 2) || (digits(parts[i]) && parts[i].count == 3) { i += 1 }
    while i < parts.count,
      (parts[i].count >= 5) || (parts[i].count == 4 && (48...57).contains(parts[i].utf8.first!))
    {
      i += 1
    }
    while i < parts.count, parts[i].count == 1, parts[i].lowercased() != "x" {
      i += 1
      var n = 0
      while i < parts.count, parts[i].count >= 2 {
        i += 1
        n += 1
      }
      if n == 0 { return false }
    }
    if i < parts.count, parts[i].lowercased() == "x" { return parts.count > i + 1 }
    return i == parts.count
  }

  /// ISO 8601 duration as xAPI uses it: `PnYnMnDTnHnMnS` with at least one component, only the
  /// last one fractional, or `PnW` alone.
  public static func isDuration(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.first == UInt8(ascii: "P"), u.count > 1 else { return false }
    var i = 1
    var inTime = false
    var units = Array("YMD".utf8)
    var seen = 0
    var fractional = false
    var timeComponents = 0
    while i < u.count {
      if u[i] == UInt8(ascii: "T") {
        guard !inTime else { return false }
        inTime = true
        units = Array("HMS".utf8)
        i += 1
        guard i < u.count else { return false }
        continue
      }
      guard !fractional else { return false }
      let start = i
      while i < u.count, (48...57).contains(u[i]) { i += 1 }
      guard i > start, i < u.count else { return false }
      if u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ",") {
        i += 1
        let f = i
        while i < u.count, (48...57).contains(u[i]) { i += 1 }
        guard i > f, i < u.count else { return false }
        fractional = true
      }
      let unit = u[i]
      i += 1
      if !inTime, unit == UInt8(ascii: "W") {
        return seen == 0 && i == u.count
      }
      guard let k = units.firstIndex(of: unit) else { return false }
      units.removeSubrange(0...k)
      seen += 1
      if inTime { timeComponents += 1 }
    }
    return seen > 0 && (!inTime || timeComponents > 0)
  }

  /// ISO 8601 date-time with a zone. The "unknown local offset" spellings (`-00:00`, `-0000`,
  /// `-00`) are refused, as the 1.0.3 conformance suite expects.
  public static func timestamp(_ s: String) -> Date? {
    let u = Array(s.utf8)
    func num(_ a: Int, _ n: Int) -> Int? {
      guard a + n <= u.count else { return nil }
      var v = 0
      for k in a..<(a + n) {
        guard (48...57).contains(u[k]) else { return nil }
        v = v * 10 + Int(u[k] - 48)
      }
      return v
    }
    guard u.count >= 20, let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45,
      let d = num(8, 2), u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"), let h = num(11, 2),
      u[13] == 58, let mi = num(14, 2), u[16] == 58, let sec = num(17, 2)
    else { return nil }
    guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
    var i = 19
    var fraction = 0.0
    if i < u.count, u[i] == UInt8(ascii: ".") {
      i += 1
      var scale = 0.1
      let start = i
      while i < u.count, (48...57).contains(u[i]) {
        fraction += Double(u[i] - 48) * scale
        scale /= 10
        i += 1
      }
      guard i > start else { return nil }
    }
    guard i < u.count else { return nil }
    var offset = 0
    if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
      i += 1
    } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
      let negative = u[i] == UInt8(ascii: "-")
      i += 1
      guard let oh = num(i, 2), oh < 24 else { return nil }
      i += 2
      var om = 0
      if i < u.count {
        if u[i] == 58 { i += 1 }
        guard let m = num(i, 2), m < 60 else { return nil }
        om = m
        i += 2
      }
      if negative, oh == 0, om == 0 { return nil }
      offset = (negative ? -1 : 1) * (oh * 3600 + om * 60)
    } else {
      return nil
    }
    guard i == u.count else { return nil }
    let days = Timestamp.daysFromCivil(y, mo, d)
    let seconds = Double(days * 86_400 + h * 3600 + mi * 60 + sec - offset) + fraction
    return Date(timeIntervalSince1970: seconds)
  }

  static let interactionTypes: Set<String> = [
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
    "likert", "numeric", "other",
  ]
}

private struct Validator {
  let now: Date?
  var problems: [XAPIValidator.Problem] = []

  init(now: Date?) { self.now = now }

  mutating func fail(_ path: String, _ message: String) {
    problems.append(.init(path: path, message: message))
  }

  /// Members of an object, after the checks every object gets: known keys only (in their exact
  /// case), no nulls, not empty.
  mutating func object(_ v: JSONValue, _ path: String, allowed: Set<String>) -> [String: JSONValue]? {
    guard let members = v.members else {
      fail(path, "must be an object")
      return nil
    }
    if members.isEmpty { fail(path, "must not be an empty object") }
    var out: [String: JSONValue] = [:]
    for (key, value) in members {
      if !allowed.contains(key) {
        if let proper = allowed.first(where: { $0.lowercased() == key.lowercased() }) {
          fail("\(path).\(key)", "wrong key case: the property is \"\(proper)\"")
        } else {
          fail("\(path).\(key)", "unknown property")
        }
        continue
      }
      if out[key] != nil { fail("\(path).\(key)", "property given more than once") }
      if value.isNull {
        fail("\(path).\(key)", "null is not allowed")
        continue
      }
      out[key] = value
    }
    return out
  }

  mutating func string(_ v: JSONValue?, _ path: String) -> String? {
    guard let v else { return nil }
    guard let s = v.string else {
      fail(path, "must be a string")
      return nil
    }
    return s
  }

  mutating func iri(_ v: JSONValue?, _ path: String) {
    guard let s = string(v, path) else { return }
    if !XAPIValidator.isAbsoluteIRI(s) { fail(path, "must be an absolute IRI (\"\(s)\")") }
  }

  mutating func uuid(_ v: JSONValue?, _ path: String) {
    guard let s = string(v, path) else { return }
    if !XAPIValidator.isUUID(s) { fail(path, "must be a UUID in 8-4-4-4-12 form (\"\(s)\")") }
  }

  mutating func languageMap(_ v: JSONValue?, _ path: String) {
    guard let v else { return }
    guard let members = v.members else { return fail(path, "must be a language map") }
    if members.isEmpty { fail(path, "must not be an empty object") }
    for (tag, text) in members {
      if !XAPIValidator.isLanguageTag(tag) { fail("\(path).\(tag)", "not an RFC 5646 language tag") }
      if text.string == nil { fail("\(path).\(tag)", text.isNull ? "null is not allowed" : "must be a string") }
    }
  }

  mutating func extensions(_ v: JSONValue?, _ path: String) {
    guard let v else { return }
    guard let members = v.members else { return fail(path, "must be an object") }
    for (key, _) in members where !XAPIValidator.isAbsoluteIRI(key) {
      fail("\(path).\(key)", "extension keys must be absolute IRIs")
    }
    // Values may be any JSON, null included: the one place the spec allows it.
  }

  mutating func number(_ v: JSONValue?, _ path: String) -> Double? {
    guard let v else { return nil }
    guard let n = v.number else {
      fail(path, "must be a number")
      return nil
    }
    return n
  }

  mutating func bool(_ v: JSONValue?, _ path: String) {
    guard let v else { return }
    if v.bool == nil { fail(path, "must be true or false") }
  }

  mutating func timestamp(_ v: JSONValue?, _ path: String) {
    guard let s = string(v, path) else { return }
    guard let date = XAPIValidator.timestamp(s) else {
      return fail(path, "must be an ISO 8601 timestamp with a zone other than -00:00 (\"\(s)\")")
    }
    if let now, date.timeIntervalSince(now) > 1 { fail(path, "is in the future") }
  }

  // MARK: Statement

  mutating func statement(_ v: JSONValue, path: String, sub: Bool) {
    let allowed: Set<String> =
      sub
      ? ["objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"]
      : ["id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"]
    guard let m = object(v, path, allowed: allowed) else { return }
    for key in ["actor", "verb", "object"] where m[key] == nil && v[key] == nil {
      fail("\(path).\(key)", "required")
    }
    if sub, m["objectType"]?.string != "SubStatement" { fail("\(path).objectType", "must be \"SubStatement\"") }
    uuid(m["id"], "\(path).id")
    if let a = m["actor"] { agentOrGroup(a, "\(path).actor") }
    if let verb = m["verb"] { self.verb(verb, "\(path).verb") }
    var objectIsActivity = false
    if let o = m["object"] { objectIsActivity = object(o, "\(path).object", sub: sub) }
    if let r = m["result"] { result(r, "\(path).result") }
    if let c = m["context"] { context(c, "\(path).context", objectIsActivity: objectIsActivity) }
    timestamp(m["timestamp"], "\(path).timestamp")
    if let stored = m["stored"] {
      guard let s = string(stored, "\(path).stored") else { return }
      if XAPIValidator.timestamp(s) == nil { fail("\(path).stored", "must be an ISO 8601 timestamp") }
    }
    if let a = m["authority"] { agentOrGroup(a, "\(path).authority") }
    if let version = m["version"] {
      if let s = string(version, "\(path).version") {
        let ok = s == "1.0" || (s.hasPrefix("1.0.") && s.count > 4 && s.dropFirst(4).allSatisfy(\.isNumber))
        if !ok { fail("\(path).version", "must be 1.0 or 1.0.x (\"\(s)\")") }
      }
    }
    if let att = m["attachments"] { attachments(att, "\(path).attachments") }
  }

  mutating func verb(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["id", "display"]) else { return }
    if m["id"] == nil { fail("\(path).id", "required") }
    iri(m["id"], "\(path).id")
    languageMap(m["display"], "\(path).display")
  }

  // MARK: Actors

  mutating func agentOrGroup(_ v: JSONValue, _ path: String) {
    if v["objectType"]?.string == "Group" {
      group(v, path)
    } else {
      agent(v, path)
    }
  }

  mutating func agent(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"]) else { return }
    if let t = m["objectType"], t.string != "Agent" { fail("\(path).objectType", "must be \"Agent\"") }
    _ = string(m["name"], "\(path).name")
    ifi(m, path, required: true)
  }

  mutating func group(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"]) else { return }
    _ = string(m["name"], "\(path).name")
    let identified = ifi(m, path, required: false)
    if let members = m["member"] {
      guard let list = members.array else { return fail("\(path).member", "must be an array") }
      for (i, a) in list.enumerated() { agent(a, "\(path).member[\(i)]") }
    } else if !identified {
      fail("\(path).member", "an anonymous group needs members")
    }
  }

  /// Checks the inverse functional identifier: exactly one when required, at most one always.
  @discardableResult
  mutating func ifi(_ m: [String: JSONValue], _ path: String, required: Bool) -> Bool {
    let present = ["mbox", "mbox_sha1sum", "openid", "account"].filter { m[$0] != nil }
    if present.count > 1 { fail(path, "has more than one identifier (\(present.joined(separator: ", ")))") }
    if present.isEmpty, required { fail(path, "needs exactly one of mbox, mbox_sha1sum, openid, account") }
    if let mbox = string(m["mbox"], "\(path).mbox") {
      if !mbox.hasPrefix("mailto:") || !mbox.dropFirst(7).contains("@") {
        fail("\(path).mbox", "must be mailto: followed by an address")
      }
    }
    if let sum = string(m["mbox_sha1sum"], "\(path).mbox_sha1sum") {
      if sum.utf8.count != 40 || !sum.utf8.allSatisfy(XAPIValidator.isHex) {
        fail("\(path).mbox_sha1sum", "must be 40 hex digits")
      }
    }
    iri(m["openid"], "\(path).openid")
    if let account = m["account"],
      let a = object(account, "\(path).account", allowed: ["homePage", "name"])
    {
      if a["homePage"] == nil { fail("\(path).account.homePage", "required") }
      if a["name"] == nil { fail("\(path).account.name", "required") }
      iri(a["homePage"], "\(path).account.homePage")
      _ = string(a["name"], "\(path).account.name")
    }
    return !present.isEmpty
  }

  // MARK: Objects

  /// Returns whether the object is an Activity (revision and platform need one).
  mutating func object(_ v: JSONValue, _ path: String, sub: Bool) -> Bool {
    let type = v["objectType"]?.string ?? "Activity"
    switch type {
    case "Activity":
      activity(v, path)
      return true
    case "Agent":
      agent(v, path)
    case "Group":
      group(v, path)
    case "StatementRef":
      statementRef(v, path)
    case "SubStatement":
      if sub {
        fail(path, "a SubStatement cannot contain another SubStatement")
      } else {
        statement(v, path: path, sub: true)
      }
    default:
      fail("\(path).objectType", "unknown objectType \"\(type)\"")
    }
    return false
  }

  mutating func statementRef(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["objectType", "id"]) else { return }
    if m["id"] == nil { fail("\(path).id", "required") }
    uuid(m["id"], "\(path).id")
  }

  mutating func activity(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["objectType", "id", "definition"]) else { return }
    if let t = m["objectType"], t.string != "Activity" { fail("\(path).objectType", "must be \"Activity\"") }
    if m["id"] == nil { fail("\(path).id", "required") }
    iri(m["id"], "\(path).id")
    if let d = m["definition"] { definition(d, "\(path).definition") }
  }

  mutating func definition(_ v: JSONValue, _ path: String) {
    let components = ["choices", "scale", "source", "target", "steps"]
    guard
      let m = object(
        v, path,
        allowed: Set(["name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern"] + components))
    else { return }
    languageMap(m["name"], "\(path).name")
    languageMap(m["description"], "\(path).description")
    iri(m["type"], "\(path).type")
    iri(m["moreInfo"], "\(path).moreInfo")
    extensions(m["extensions"], "\(path).extensions")
    let interactionType = string(m["interactionType"], "\(path).interactionType")
    if let t = interactionType, !XAPIValidator.interactionTypes.contains(t) {
      fail("\(path).interactionType", "unknown interaction type \"\(t)\" (values are lower case)")
    }
    let hasInteractionFields = m["correctResponsesPattern"] != nil || components.contains { m[$0] != nil }
    if hasInteractionFields, interactionType == nil {
      fail("\(path).interactionType", "required when interaction properties are present")
    }
    if let p = m["correctResponsesPattern"] {
      if let list = p.array {
        for (i, item) in list.enumerated() where item.string == nil {
          fail("\(path).correctResponsesPattern[\(i)]", "must be a string")
        }
      } else {
        fail("\(path).correctResponsesPattern", "must be an array of strings")
      }
    }
    let allowedComponents: [String: Set<String>] = [
      "choice": ["choices"], "sequencing": ["choices"], "likert": ["scale"],
      "matching": ["source", "target"], "performance": ["steps"],
    ]
    var ids: [String: Set<String>] = [:]
    for key in components {
      guard let list = m[key] else { continue }
      if let t = interactionType, !(allowedComponents[t]?.contains(key) ?? false) {
        fail("\(path).\(key)", "not allowed for interaction type \(t)")
      }
      guard let items = list.array else {
        fail("\(path).\(key)", "must be an array")
        continue
      }
      var seen = Set<String>()
      for (i, item) in items.enumerated() {
        let ip = "\(path).\(key)[\(i)]"
        guard let c = object(item, ip, allowed: ["id", "description"]) else { continue }
        guard let id = string(c["id"], "\(ip).id") else {
          if c["id"] == nil { fail("\(ip).id", "required") }
          continue
        }
        if id.isEmpty || id.contains(where: \.isWhitespace) { fail("\(ip).id", "must be non-empty without whitespace") }
        if !seen.insert(id).inserted { fail("\(ip).id", "duplicate component id \"\(id)\"") }
        languageMap(c["description"], "\(ip).description")
      }
      ids[key] = seen
    }
    // An LRS may also reject patterns naming components that do not exist; check what we can.
    if let t = interactionType, let patterns = m["correctResponsesPattern"]?.array?.compactMap(\.string) {
      for (i, p) in patterns.enumerated() {
        if let problem = patternProblem(p, type: t, ids: ids) {
          fail("\(path).correctResponsesPattern[\(i)]", problem)
        }
      }
    }
  }

  func patternProblem(_ pattern: String, type: String, ids: [String: Set<String>]) -> String? {
    func items(_ s: String) -> [String] { s.components(separatedBy: "[,]") }
    switch type {
    case "true-false":
      return pattern == "true" || pattern == "false" ? nil : "must be \"true\" or \"false\""
    case "choice", "sequencing":
      guard let known = ids["choices"] else { return nil }
      for id in items(pattern) where !known.contains(id) { return "names unknown choice \"\(id)\"" }
      return nil
    case "matching":
      guard let source = ids["source"], let target = ids["target"] else { return nil }
      for pair in items(pattern) {
        let parts = pair.components(separatedBy: "[.]")
        guard parts.count == 2, source.contains(parts[0]), target.contains(parts[1]) else {
          return "\"\(pair)\" is not a source[.]target pair of known ids"
        }
      }
      return nil
    case "numeric":
      let parts = pattern.components(separatedBy: "[:]")
      guard parts.count <= 2 else { return "a numeric pattern is a number or a range a[:]b" }
      if parts.count == 1 { return Double(parts[0]) == nil ? "not a number" : nil }
      let lo = parts[0].isEmpty ? -Double.infinity : Double(parts[0])
      let hi = parts[1].isEmpty ? Double.infinity : Double(parts[1])
      guard let lo, let hi, lo <= hi else { return "not a valid range" }
      return nil
    default:
      return nil
    }
  }

  // MARK: Result and context

  mutating func result(_ v: JSONValue, _ path: String) {
    guard let m = object(v, path, allowed: ["score", "success", "completion", "response", "duration", "extensions"]) else { return }
    if let s = m["score"], let sm = object(s, "\(path).score", allowed: ["scaled", "raw", "min", "max"]) {
      let scaled = number(sm["scaled"], "\(path).score.scaled")
      let raw = number(sm["raw"], "\(path).score.raw")
      let min = number(sm["min"], "\(path).score.min")
      let max = number(sm["max"], "\(path).score.max")
      if let scaled, !(-1...1).contains(scaled) { fail("\(path).score.scaled", "must be within -1…1 (\(scaled))") }
      if let min, let max, !(min < max) { fail("\(path).score", "min must be less than max") }
      if let raw, let max, raw > max { fail("\(path).score.raw", "is above max") }
      if let raw, let min, raw < min { fail("\(path).score.raw", "is below min") }
    }
    bool(m["success"], "\(path).success")
    bool(m["completion"], "\(path).completion")
    _ = string(m["response"], "\(path).response")
    if let d = string(m["duration"], "\(path).duration"), !XAPIValidator.isDuration(d) {
      fail("\(path).duration", "must be an ISO 8601 duration (\"\(d)\")")
    }
    extensions(m["extensions"], "\(path).extensions")
  }

  mutating func context(_ v: JSONValue, _ path: String, objectIsActivity: Bool) {
    guard
      let m = object(
        v, path,
        allowed: ["registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions"])
    else { return }
    uuid(m["registration"], "\(path).registration")
    if let i = m["instructor"] { agentOrGroup(i, "\(path).instructor") }
    if let t = m["team"] {
      if t["objectType"]?.string != "Group" { fail("\(path).team", "must be a Group") }
      group(t, "\(path).team")
    }
    if let ca = m["contextActivities"],
      let cm = object(ca, "\(path).contextActivities", allowed: ["parent", "grouping", "category", "other"])
    {
      for (key, value) in cm {
        if let list = value.array {
          for (i, a) in list.enumerated() { activity(a, "\(path).contextActivities.\(key)[\(i)]") }
        } else {
          activity(value, "\(path).contextActivities.\(key)")
        }
      }
    }
    _ = string(m["revision"], "\(path).revision")
    _ = string(m["platform"], "\(path).platform")
    if !objectIsActivity {
      if m["revision"] != nil { fail("\(path).revision", "only allowed when the object is an Activity") }
      if m["platform"] != nil { fail("\(path).platform", "only allowed when the object is an Activity") }
    }
    if let lang = string(m["language"], "\(path).language"), !XAPIValidator.isLanguageTag(lang) {
      fail("\(path).language", "not an RFC 5646 language tag")
    }
    if let s = m["statement"] {
      if s["objectType"]?.string != "StatementRef" { fail("\(path).statement", "must be a StatementRef") }
      statementRef(s, "\(path).statement")
    }
    extensions(m["extensions"], "\(path).extensions")
  }

  mutating func attachments(_ v: JSONValue, _ path: String) {
    guard let list = v.array else { return fail(path, "must be an array") }
    for (i, a) in list.enumerated() {
      let ap = "\(path)[\(i)]"
      guard let m = object(a, ap, allowed: ["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"]) else { continue }
      for key in ["usageType", "display", "contentType", "length", "sha2"] where m[key] == nil {
        fail("\(ap).\(key)", "required")
      }
      iri(m["usageType"], "\(ap).usageType")
      languageMap(m["display"], "\(ap).display")
      languageMap(m["description"], "\(ap).description")
      _ = string(m["contentType"], "\(ap).contentType")
      if let n = number(m["length"], "\(ap).length"), n.rounded() != n || n < 0 {
        fail("\(ap).length", "must be a whole number")
      }
      _ = string(m["sha2"], "\(ap).sha2")
      iri(m["fileUrl"], "\(ap).fileUrl")
    }
  }
}
