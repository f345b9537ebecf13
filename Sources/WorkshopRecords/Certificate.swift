#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

extension HTML {
  static func percent(_ share: Double?) -> String {
    guard let share, share.isFinite else { return "–" }
    let p = (share * 1000).rounded() / 10
    return (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
  }

  static let months = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  /// "27 November 2026" from an ISO timestamp; the ISO date itself when it cannot be read.
  static func longDate(_ iso: String) -> String {
    let parts = iso.prefix(10).split(separator: "-")
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
      (1...12).contains(m)
    else { return String(iso.prefix(10)) }
    return "\(d) \(months[m - 1]) \(y)"
  }
}

public struct CertificateError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

/// A printable, self-contained certificate of completion.
public enum CertificateExporter {
  public static func html(_ record: CompletionRecord) throws(CertificateError) -> String {
    guard record.outcome.passed, let completedAt = record.outcome.completedAt else {
      throw CertificateError(
        description: "\(record.learner.name) has not passed \(record.course.title) yet: a certificate is only issued for a passed course")
    }
    let e = HTML.escape
    let code = RecordHash.grouped(record.verificationCode)
    let isoDate = String(completedAt.prefix(10))
    let assessed = record.outcome.possible > 0
    let scoreLine =
      assessed
      ? "<p class=\"score\">Score <strong>\(HTML.percent(record.outcome.score))</strong> · pass mark \(HTML.percent(record.outcome.passMark))</p>"
      : ""
    let time = studyTime(seconds: record.outcome.seconds)
    return """
      <!DOCTYPE html>
      <html lang="\(e(record.course.language.isEmpty ? "en" : record.course.language))">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Certificate of Completion – \(e(record.course.title))</title>
      <style>
      /* Landscape on whatever paper the printer has: the sheet below fits both A4 (297×210 mm)
         and US Letter (279.4×215.9 mm) inside 12 mm margins. */
      @page { size: landscape; margin: 12mm; }
      * { box-sizing: border-box; }
      html, body { margin: 0; padding: 0; background: #f4f1ea; color: #1d1d1b;
        font-family: Georgia, "Times New Roman", Times, serif; }
      .sheet { width: 255mm; height: 185mm; margin: 10mm auto; padding: 14mm 18mm; background: #fff;
        border: 3mm double #6b5b2e; display: flex; flex-direction: column; justify-content: space-between;
        text-align: center; page-break-inside: avoid; break-inside: avoid; }
      h1 { font-size: 30pt; letter-spacing: 0.06em; margin: 0; font-weight: normal; text-transform: uppercase; }
      .lead { font-size: 13pt; margin: 4mm 0 0; font-style: italic; }
      .name { font-size: 28pt; margin: 3mm 0; border-bottom: 0.4mm solid #6b5b2e; display: inline-block;
        padding: 0 8mm 1mm; overflow-wrap: anywhere; }
      .course { font-size: 20pt; margin: 2mm 0 0; overflow-wrap: anywhere; }
      .version { font-size: 11pt; color: #555; margin: 1mm 0 0; }
      .score { font-size: 13pt; margin: 4mm 0 0; }
      .meta { display: flex; justify-content: space-between; text-align: left; font-size: 9.5pt; gap: 8mm; }
      .meta dt { color: #6b5b2e; text-transform: uppercase; letter-spacing: 0.08em; font-size: 7.5pt; }
      .meta dd { margin: 0 0 2mm; font-family: "Courier New", Courier, monospace; overflow-wrap: anywhere; }
      .note { font-size: 8.5pt; color: #555; margin: 0; }
      @media print {
        html, body { background: #fff; }
        .sheet { margin: 0 auto; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      }
      @media screen and (max-width: 280mm) { .sheet { width: auto; height: auto; margin: 4mm; } }
      </style>
      </head>
      <body>
      <main class="sheet">
      <header>
      <h1>Certificate of Completion</h1>
      <p class="lead">This certifies that</p>
      <p class="name">\(e(record.learner.name))</p>
      <p class="lead">has completed the course</p>
      <p class="course">\(e(record.course.title))</p>
      <p class="version">version \(e(record.course.version)) · \(e(time)) of study</p>
      \(scoreLine)
      </header>
      <section class="meta">
      <dl>
      <dt>Date of completion</dt><dd>\(e(HTML.longDate(completedAt))) (\(e(isoDate)), UTC)</dd>
      <dt>Certificate id</dt><dd>\(e(record.id))</dd>
      </dl>
      <dl>
      <dt>Verification code</dt><dd>\(e(code))</dd>
      <dt>Record digest (SHA-256)</dt><dd>\(e(record.digest))</dd>
      </dl>
      </section>
      <p class="note">This certificate attests completion of a course, not a professional certification.
      The verification code is taken from the digest of the completion record, which this file carries:
      <code>workshop verify</code> checks the file itself. Issued by workshop \(e(record.engine)).</p>
      </main>
      <script type="application/json" id="\(recordElementID)">\(embeddable(record.fileText()))</script>
      </body>
      </html>

      """
  }

  /// The element that carries the record, as data: browsers neither run nor show it.
  static let recordElementID = "workshop-record"

  /// "1 minute", "25 minutes", "1.5 hours": rounded to what a reader cares about.
  public static func studyTime(seconds: Double) -> String {
    let hours = seconds / 3600
    if hours >= 1 {
      let tenths = (hours * 10).rounded() / 10
      return tenths == 1 ? "1 hour" : "\(NumberText.fixed(tenths, digits: 1)) hours"
    }
    return Wording.count(max(1, Int((seconds / 60).rounded())), "minute")
  }

  /// JSON is safe inside a script element once no `<` can close it; `\u003c` reads back the same.
  static func embeddable(_ json: String) -> String {
    json.trimmed(.lineBreaks).replacingScalars(of: "<", with: "\\u003c")
  }

  /// The record a certificate carries, as JSON bytes; nil when the HTML has none.
  public static func embeddedRecord(inHTML html: String) -> Data? {
    let opening = "<script type=\"application/json\" id=\"\(recordElementID)\">"
    guard let start = html.utf8.firstRange(of: opening.utf8),
      let end = html.utf8[start.upperBound...].firstRange(of: "</script>".utf8)
    else { return nil }
    return Data(html[start.upperBound..<end.lowerBound].utf8)
  }
}
