#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// A badge as a picture with its credential baked in (Open Badges 3.0 baking, SVG): the VC-JWT
/// sits in an `openbadges:credential` element, so the image a learner posts is also the proof.
public enum BadgeImage {
  public static let namespace = "https://purl.imsglobal.org/ob/v3p0"

  /// A round badge naming the course, the learner and the date, carrying `token`.
  public static func svg(token: String, credential: JSONValue) -> String {
    let e = HTML.escape
    let subject = credential["credentialSubject"]
    let course = subject?["achievement"]?["name"]?.string ?? ""
    let learner =
      subject?["identifier"]?.array?.first { $0["identityType"]?.string == "name" }?["identityHash"]?.string ?? ""
    let date = String((credential["validFrom"]?.string ?? "").prefix(10))
    let issuer = credential["issuer"]?["name"]?.string ?? ""
    let lines = wrap(course, width: 22, lines: 3)
    var title = ""
    for (i, line) in lines.enumerated() {
      let y = 128 + (i - (lines.count - 1)) * 24 + (lines.count - 1) * 12
      title += "<text x=\"160\" y=\"\(y)\" font-size=\"20\" font-weight=\"bold\">\(e(line))</text>\n"
    }
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="\(namespace)" width="320" height="320" viewBox="0 0 320 320" role="img" aria-label="\(e(course)): completed by \(e(learner))">
      <openbadges:credential><![CDATA[\(token)]]></openbadges:credential>
      <title>\(e(course)): completed by \(e(learner)), \(e(date))</title>
      <circle cx="160" cy="160" r="150" fill="#f4f1ea" stroke="#1f4e79" stroke-width="10"/>
      <circle cx="160" cy="160" r="132" fill="none" stroke="#b08d3c" stroke-width="2"/>
      <g font-family="Georgia, 'Times New Roman', serif" text-anchor="middle" fill="#1d1d1b">
      <text x="160" y="72" font-size="14" letter-spacing="2">COMPLETED</text>
      \(title)<text x="160" y="200" font-size="16">\(e(clip(learner, 28)))</text>
      <text x="160" y="224" font-size="12">\(e(date))</text>
      <text x="160" y="256" font-size="11" fill="#555">\(e(clip(issuer, 36)))</text>
      </g>
      </svg>

      """
  }

  /// The VC-JWT baked into an SVG, if the file is one and has it.
  public static func bakedToken(in data: Data) -> String? {
    let text = String(decoding: data.prefix(4_000_000), as: UTF8.self)
    // Byte-wise search: a tag is ASCII, whatever marks follow it.
    guard text.contains("<svg"), let open = text.utf8.firstRange(of: "<openbadges:credential".utf8),
      let close = text.utf8[open.upperBound...].firstRange(of: "</openbadges:credential>".utf8),
      let start = text.utf8[open.upperBound..<close.lowerBound].firstRange(of: ">".utf8)
    else { return nil }
    var inner = text[start.upperBound..<close.lowerBound].trimmed()
    if inner.hasPrefix("<![CDATA["), inner.hasSuffix("]]>") {
      inner = String(inner.dropFirst("<![CDATA[".count).dropLast(3)).trimmed()
    }
    return inner.isEmpty ? nil : inner
  }

  static func clip(_ s: String, _ width: Int) -> String {
    s.count > width ? String(s.prefix(width - 1)) + "…" : s
  }

  /// Words into at most `lines` lines of about `width` characters; the last one clipped.
  static func wrap(_ text: String, width: Int, lines: Int) -> [String] {
    var out: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        out.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { out.append(current) }
    if out.count > lines {
      out = Array(out.prefix(lines - 1)) + [out.dropFirst(lines - 1).joined(separator: " ")]
    }
    return out.map { clip($0, width + 2) }
  }
}
