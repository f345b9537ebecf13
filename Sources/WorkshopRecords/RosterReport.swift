#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Text, CSV and HTML renderings of a roster.
extension Roster {
  static func pct(_ x: Double?) -> String {
    guard let x else { return "–" }
    return String(Int((x * 100).rounded())) + "%"
  }

  static func fixed(_ x: Double?, _ digits: Int = 2) -> String {
    guard let x, x.isFinite else { return "–" }
    return NumberText.fixed(x, digits: digits)
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(NumberText.zeroPadded(s / 60 % 60, width: 2))m" : "\(s / 60)m\(NumberText.zeroPadded(s % 60, width: 2))s"
  }

  static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    if n >= width { return s }
    let space = String(repeating: " ", count: width - n)
    return right ? space + s : s + space
  }

  /// Clip to a width so one long name does not push the table apart.
  static func clip(_ s: String, _ width: Int) -> String {
    let clean = String(s.map { $0.isNewline || $0 == "\t" ? " " : $0 }.filter { !$0.unicodeScalars.contains { $0.value < 32 || (0x7F..<0xA0).contains($0.value) } })
    return clean.count > width ? String(clean.prefix(width - 1)) + "…" : clean
  }

  // MARK: Table

  public func table() -> String {
    var out = ""
    for section in sections {
      let counted = section.learners.filter(\.counted).count
      out += "\(Self.clip(section.title, 60)) (\(section.courseID)): \(Wording.count(section.learners.count, "record")), \(counted) counted\n\n"
      var header = Self.pad("Learner", 22) + " " + Self.pad("Completion", 12) + " " + Self.pad("Score", 5, right: true)
      for i in section.lessonIDs.indices { header += " " + Self.pad("L\(i + 1)", 4, right: true) }
      header += " " + Self.pad("Time", 8, right: true) + "  Verification"
      out += header + "\n"
      for row in section.learners {
        var line = Self.pad(Self.clip(row.name, 22), 22) + " " + Self.pad(row.completion, 12) + " "
          + Self.pad(Self.pct(row.courseScore), 5, right: true)
        for id in section.lessonIDs {
          let cell = row.lessonScores[id].map { Self.pct($0) } ?? (row.lessonStates[id] == "in-progress" ? "…" : "–")
          line += " " + Self.pad(cell, 4, right: true)
        }
        line += " " + Self.pad(Self.duration(row.seconds), 8, right: true) + "  " + row.verification
        out += line + "\n"
      }
      out += "\nLessons: " + section.lessonIDs.enumerated().map { "L\($0 + 1) \($1)" }.joined(separator: ", ") + "\n"
      let failing = section.learners.filter { !$0.counted }
      if !failing.isEmpty {
        out += "\nNot counted (failed verification):\n"
        for row in failing {
          out += "  \(Self.clip(row.name, 40)) [\(row.source)]: \(row.verification)\n"
          for d in row.details.prefix(5) { out += "    - \(Self.clip(d, 160))\n" }
          if row.details.count > 5 { out += "    - … \(row.details.count - 5) more\n" }
        }
      }
      out += "\nItem analysis (first answers of \(Wording.count(counted, "counted record"))):\n"
      out += Self.pad("Question", 40) + " " + Self.pad("n", 5, right: true) + " " + Self.pad("Diff", 5, right: true) + " "
        + Self.pad("Disc", 6, right: true) + " " + Self.pad("Skip", 5, right: true) + " " + Self.pad("Hint", 5, right: true)
        + "  Picks / flags\n"
      for item in section.items {
        var line = Self.pad(Self.clip(item.key, 40), 40) + " " + Self.pad(String(item.answered), 5, right: true) + " "
          + Self.pad(Self.fixed(item.difficulty), 5, right: true) + " " + Self.pad(Self.fixed(item.discrimination), 6, right: true)
          + " " + Self.pad(Self.pct(item.skipRate), 5, right: true) + " " + Self.pad(Self.pct(item.hintRate), 5, right: true)
        if let counts = item.choiceCounts {
          line += "  " + counts.enumerated().map { i, c in
            let mark = item.rightChoices.map { $0.indices.contains(i) && $0[i] ? "*" : "" } ?? ""
            return "\(Presentation.letter(i).uppercased())\(mark)=\(c)"
          }.joined(separator: " ")
        }
        if !item.flags.isEmpty { line += "  ! " + item.flags.joined(separator: "; ") }
        out += line + "\n"
      }
      out += "\n"
    }
    if !unreadable.isEmpty {
      out += "Unreadable inputs (not counted):\n"
      for row in unreadable { out += "  \(row.source): \(row.details.first ?? row.verification)\n" }
    }
    return out
  }

  // MARK: CSV

  public static let itemColumns = [
    "course_id", "lesson_id", "question_id", "type", "asked", "answered", "correct", "difficulty",
    "discrimination", "skip_rate", "hint_rate", "mean_seconds", "choice_counts", "flags",
  ]

  /// One row per learner × lesson (the export's columns); records that failed verification are
  /// listed with their status so they are never mistaken for counted ones.
  public func learnersCSV(entries: [RosterEntry], pseudonymize: Bool) -> String {
    var rows: [[String]] = []
    for e in entries {
      guard var r = e.record else {
        var row = [String](repeating: "", count: CSVExporter.columns.count)
        row[CSVExporter.columns.count - 1] = e.verification.label
        rows.append(row)
        continue
      }
      if pseudonymize, !r.learner.pseudonymous {
        r.learner.name = LearnerIdentity.pseudonym(for: r.learner.id)
      }
      rows += CSVExporter.rows(r, verification: e.verification.label)
    }
    return CSV.document(header: CSVExporter.columns, rows: rows)
  }

  public func itemsCSV() -> String {
    var rows: [[String]] = []
    for section in sections {
      for item in section.items {
        rows.append([
          section.courseID, item.lessonID, item.questionID, item.type, String(item.asked), String(item.answered),
          String(item.correct), CSV.number(item.difficulty), CSV.number(item.discrimination),
          CSV.number(item.skipRate), CSV.number(item.hintRate), CSV.number(item.meanSeconds),
          item.choiceCounts.map { $0.map(String.init).joined(separator: " ") } ?? "",
          item.flags.joined(separator: "; "),
        ])
      }
    }
    return CSV.document(header: Self.itemColumns, rows: rows)
  }

  // MARK: HTML

  public func html(generatedAt: String) -> String {
    let e = HTML.escape
    var body = ""
    for section in sections {
      let counted = section.learners.filter(\.counted).count
      body += "<section>\n<h2>\(e(section.title)) <small>\(e(section.courseID))</small></h2>\n"
      body += "<p>\(Wording.count(section.learners.count, "record")), \(counted) counted. Records that fail verification are listed but never counted.</p>\n"
      body += "<table>\n<thead><tr><th>Learner</th><th>Completion</th><th>Score</th>"
      for (i, id) in section.lessonIDs.enumerated() { body += "<th title=\"\(e(id))\">L\(i + 1)</th>" }
      body += "<th>Time</th><th>Verification</th></tr></thead>\n<tbody>\n"
      for row in section.learners {
        body += "<tr\(row.counted ? "" : " class=\"bad\"")><td>\(e(row.name))</td><td>\(e(row.completion))</td><td class=\"n\">\(Self.pct(row.courseScore))</td>"
        for id in section.lessonIDs {
          body += "<td class=\"n\">\(row.lessonScores[id].map { Self.pct($0) } ?? "–")</td>"
        }
        let details = row.details.isEmpty ? "" : "<br><small>\(row.details.prefix(3).map(e).joined(separator: "<br>"))</small>"
        body += "<td class=\"n\">\(Self.duration(row.seconds))</td><td>\(e(row.verification))\(details)</td></tr>\n"
      }
      body += "</tbody>\n</table>\n"
      body += "<p class=\"legend\">" + section.lessonIDs.enumerated().map { "L\($0 + 1) = \(e($1))" }.joined(separator: " · ")
        + ". A row on a red background failed verification and is not counted.</p>\n"
      body += itemsHTML(section)
      body += "</section>\n"
    }
    if !unreadable.isEmpty {
      body += "<section><h2>Unreadable inputs</h2><ul>"
      for row in unreadable { body += "<li>\(e(row.source)): \(e(row.details.first ?? row.verification))</li>" }
      body += "</ul></section>\n"
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Workshop roster</title>
      <style>
      body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1b1b1b; }
      h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; } h2 small { color: #666; font-weight: normal; font-size: 0.8rem; }
      table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
      th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
      th { background: #f0f0f0; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
      tr.bad td { background: #fde2e2; } tr.flag td { background: #fff6d6; }
      .legend { color: #555; font-size: 0.85rem; }
      .key-box { border: 1px solid #ccc; padding: 0.5rem 1rem; font-size: 0.85rem; max-width: 48rem; }
      .key-box ul { margin: 0.3rem 0; padding-left: 1rem; list-style: none; }
      .swatch { display: inline-block; width: 0.9rem; height: 0.9rem; vertical-align: middle; margin-right: 0.4rem; border: 1px solid #999; }
      .prompt { max-width: 28rem; } .qid { color: #666; font-size: 0.8rem; }
      table.choices { margin: 0; border: none; font-size: 0.85rem; }
      table.choices td { border: none; padding: 0.05rem 0.3rem; }
      table.choices td:first-child, table.choices td:last-child { white-space: nowrap; }
      .bar { display: inline-block; height: 0.7rem; vertical-align: middle; margin-right: 0.3rem; }
      svg text { font-family: inherit; font-size: 11px; fill: #1b1b1b; }
      @media print { body { margin: 0; } tr { break-inside: avoid; } }
      </style>
      </head>
      <body>
      <h1>Workshop roster</h1>
      <p>Generated \(e(generatedAt)). Difficulty is the mean proportion of the points first answers
      earned (their credit); discrimination is the correlation between a first answer's credit and the rest
      of the learner's first-answer credit (the point-biserial when answers are right or wrong). Flags need at least \(minimumForFlags) answers.</p>
      \(body)
      </body>
      </html>

      """
  }

  static let difficultyColor = "#4a7bb7"
  static let flaggedColor = "#d08c1f"
  static let scaleColor = "#eee"
  static let keyColor = "#3c9a5f"
  static let distractorColor = "#b94a48"
  static let flaggedRowColor = "#fff6d6"

  /// What every colour of the item analysis means.
  static func legend() -> String {
    func entry(_ color: String, _ text: String) -> String {
      "<li><span class=\"swatch\" style=\"background:\(color)\"></span>\(text)</li>"
    }
    return "<div class=\"key-box\"><strong>How to read the item analysis</strong>\n<ul>\n"
      + entry(difficultyColor, "Difficulty bar: the share of the question's points that first answers earned (a longer bar is an easier question)") + "\n"
      + entry(flaggedColor, "Difficulty bar of a flagged question: see its flags") + "\n"
      + entry(scaleColor, "The rest of the difficulty scale, up to 100%") + "\n"
      + entry(keyColor, "Choice bar of a right choice (the key, also marked ✓): how many first answers picked it") + "\n"
      + entry(distractorColor, "Choice bar of a wrong choice (a distractor)") + "\n"
      + entry(flaggedRowColor, "Row of a flagged question") + "\n"
      + "</ul>\n</div>\n"
  }

  /// Items that need an author's attention first: the more flags, the earlier; otherwise in
  /// course order.
  static func attentionFirst(_ items: [ItemStatistics]) -> [ItemStatistics] {
    items.enumerated().sorted { a, b in
      a.element.flags.count != b.element.flags.count ? a.element.flags.count > b.element.flags.count : a.offset < b.offset
    }.map(\.element)
  }

  static func anchor(_ item: ItemStatistics) -> String {
    "item-" + String(item.key.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
  }

  /// The item analysis of one course: the legend, the flagged questions, then every question
  /// grouped by lesson, flagged ones first, with its text and its choices' text.
  func itemsHTML(_ section: CourseSection) -> String {
    let e = HTML.escape
    var out = "<h3>Item analysis</h3>\n" + Self.legend()
    let flagged = Self.attentionFirst(section.items.filter { !$0.flags.isEmpty })
    out += "<h4>Needs attention: \(Wording.count(flagged.count, "question"))</h4>\n"
    if flagged.isEmpty {
      out += "<p>No question is flagged (flags need at least \(Wording.count(minimumForFlags, "answer")) to a question).</p>\n"
    } else {
      out += "<ul>\n"
      for item in flagged {
        let title = item.lessonTitle ?? item.lessonID
        out += "<li><a href=\"#\(Self.anchor(item))\">\(e(title)) · \(e(Self.clip(item.prompt ?? item.questionID, 90)))</a>: \(item.flags.map(e).joined(separator: "; "))</li>\n"
      }
      out += "</ul>\n"
    }
    var lessonOrder = section.lessonIDs
    for item in section.items where !lessonOrder.contains(item.lessonID) { lessonOrder.append(item.lessonID) }
    for lessonID in lessonOrder {
      let items = Self.attentionFirst(section.items.filter { $0.lessonID == lessonID })
      guard let first = items.first else { continue }
      out += "<h4>\(e(first.lessonTitle ?? lessonID)) <small>\(e(lessonID)), \(Wording.count(items.count, "question"))</small></h4>\n"
      out += difficultyChart(items)
      out += "<table>\n<thead><tr><th>Question</th><th>n</th><th>Difficulty</th><th>Discrimination</th><th>Skips</th><th>Hints</th><th>Choices picked</th><th>Flags</th></tr></thead>\n<tbody>\n"
      for item in items {
        let text = item.prompt.map { "\(e($0))<br>" } ?? ""
        out += "<tr id=\"\(Self.anchor(item))\"\(item.flags.isEmpty ? "" : " class=\"flag\"")><td class=\"prompt\">\(text)<span class=\"qid\">\(e(item.questionID)) · \(e(item.type))</span></td><td class=\"n\">\(item.answered)</td><td class=\"n\">\(Self.fixed(item.difficulty))</td><td class=\"n\">\(Self.fixed(item.discrimination))</td><td class=\"n\">\(Self.pct(item.skipRate))</td><td class=\"n\">\(Self.pct(item.hintRate))</td><td>\(choicesHTML(item))</td><td>\(item.flags.map(e).joined(separator: "<br>"))</td></tr>\n"
      }
      out += "</tbody>\n</table>\n"
    }
    return out
  }

  func difficultyChart(_ items: [ItemStatistics]) -> String {
    let rowHeight = 16
    let labelWidth = 300
    let barWidth = 300
    let height = max(1, items.count) * rowHeight + 4
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 50)\" height=\"\(height)\" role=\"img\" aria-label=\"Difficulty per question\">\n"
    for (i, item) in items.enumerated() {
      let y = i * rowHeight + 2
      let w = Int(((item.difficulty ?? 0) * Double(barWidth)).rounded())
      let color = item.flags.isEmpty ? Self.difficultyColor : Self.flaggedColor
      let label = Self.clip(item.prompt ?? item.questionID, 48)
      svg += "<g><title>\(HTML.escape(item.key))</title><text x=\"0\" y=\"\(y + 11)\">\(HTML.escape(label))</text></g>"
      svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(rowHeight - 4)\" fill=\"\(Self.scaleColor)\"/>"
      svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(w)\" height=\"\(rowHeight - 4)\" fill=\"\(color)\"/>"
      svg += "<text x=\"\(labelWidth + barWidth + 4)\" y=\"\(y + 11)\">\(Self.pct(item.difficulty))</text>\n"
    }
    return svg + "</svg>\n"
  }

  /// Each choice with its letter, its text (the key marked ✓) and a bar of how often first
  /// answers picked it.
  func choicesHTML(_ item: ItemStatistics) -> String {
    guard let counts = item.choiceCounts, !counts.isEmpty else { return "" }
    let most = max(1, counts.max() ?? 1)
    var out = "<table class=\"choices\"><tbody>"
    for (i, c) in counts.enumerated() {
      let right = item.rightChoices.map { $0.indices.contains(i) && $0[i] } ?? false
      let label = item.choiceLabels.map { $0.indices.contains(i) ? Self.clip($0[i], 80) : "" } ?? ""
      let width = Int((Double(c) / Double(most) * 100).rounded())
      out += "<tr><td>\(Presentation.letter(i).uppercased())\(right ? " ✓" : "")</td><td>\(HTML.escape(label))</td>"
      out += "<td><span class=\"bar\" style=\"width:\(width)px;background:\(right ? Self.keyColor : Self.distractorColor)\"></span>\(c)</td></tr>"
    }
    return out + "</tbody></table>"
  }
}
