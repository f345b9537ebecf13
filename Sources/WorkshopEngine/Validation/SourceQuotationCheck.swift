#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Text in quotation marks that reads as the source's words but is not in the source: a
/// paraphrase or a trimmed hedge presented as a quotation. Runs when course.yaml names a
/// `source:` file and that file exists. Quotations are compared after the normalisation short
/// answers get (case, whitespace and punctuation do not count).
///
/// A quotation is taken to present the source's words when at least half of its word pairs occur
/// in the source: that is how a misquotation looks ("to fix bugs" for "fix bugs"). A quotation of
/// someone else ("Built with Llama") shares almost no word pairs with the source and is left
/// alone, as are quotations of one or two words.
enum SourceQuotationCheck {
  static let minimumWords = 3
  static let sourceLikeShare = 0.5
  /// Longer stretches between quotation marks are taken to be unbalanced marks, not a quotation.
  static let longestQuotation = 600

  /// The source's words, read once for every lesson of the course.
  struct Source {
    let text: String
    let pairs: Set<String>

    /// Nil when course.yaml names no source or the file cannot be read.
    init?(_ source: (path: String, site: SourceSite)?) {
      guard let source, let bytes = FileManager.default.contents(atPath: source.path) else { return nil }
      let words = ItemText.words(String(decoding: bytes, as: UTF8.self))
      text = " " + words.joined(separator: " ") + " "
      var pairs = Set<String>()
      for i in words.indices.dropLast() { pairs.insert("\(words[i]) \(words[i + 1])") }
      self.pairs = pairs
    }

    func misquotes(_ quotation: Substring) -> Bool {
      let words = ItemText.words(String(quotation))
      guard words.count >= minimumWords else { return false }
      if text.contains(" " + words.joined(separator: " ") + " ") { return false }
      let quoted = words.indices.dropLast().map { "\(words[$0]) \(words[$0 + 1])" }
      let found = quoted.count { pairs.contains($0) }
      return Double(found) >= sourceLikeShare * Double(quoted.count)
    }
  }

  static func run(_ lesson: Lesson, source: Source, _ review: inout ItemWritingReview) {
    func report(_ text: String, at site: SourceSite, path: String, what: String, exactLines: Bool) {
      for (range, line, column) in quotations(in: text) where source.misquotes(text[range]) {
        let at = exactLines ? SourceSite(line: site.line + line, column: column + 1) : site
        review.warn(
          .sourceQuotation, path, at,
          "\(what) quotes \"\(text[range].split(whereSeparator: \.isNewline).joined(separator: " "))\", which echoes the source but is not its words; quote the source exactly, or drop the quotation marks and present it as a paraphrase")
      }
    }

    for item in lesson.items {
      switch item {
      case .page(let page):
        report(page.markdown, at: SourceSite(line: page.line, column: 0), path: lesson.path,
          what: "page '\(page.id)'", exactLines: true)
      case .question(let question):
        let sites = review.sites(of: question, in: lesson)
        for (text, site) in texts(of: question, sites) {
          report(text, at: site, path: lesson.path, what: "question '\(question.id)'", exactLines: false)
        }
      }
    }
  }

  /// Every text of a question a learner reads, with where it was written.
  static func texts(of question: Question, _ sites: QuestionSites) -> [(String, SourceSite)] {
    var texts: [(String, SourceSite)] = [(question.prompt, sites.prompt), (question.explanation, sites.explanation)]
    for (index, hint) in question.hints.enumerated() {
      texts.append((hint, sites.hints.indices.contains(index) ? sites.hints[index] : sites.fence))
    }
    switch question.body {
    case .single(let choices), .multiple(let choices):
      for (index, choice) in choices.enumerated() {
        let site = sites.choices.indices.contains(index) ? sites.choices[index] : sites.fence
        texts.append((choice.text, site))
        if let feedback = choice.feedback { texts.append((feedback, site)) }
      }
    case .trueFalse(_, let feedbackTrue, let feedbackFalse):
      for feedback in [feedbackTrue, feedbackFalse].compactMap({ $0 }) {
        texts.append((feedback, sites.answer ?? sites.fence))
      }
    case .shortAnswer(let key):
      for feedback in key.wrongAnswers.map(\.feedback) + [key.otherwiseFeedback].compactMap({ $0 }) {
        texts.append((feedback, sites.fence))
      }
    case .numeric(let key):
      if let feedback = key.otherwiseFeedback { texts.append((feedback, sites.fence)) }
    case .ordering(let items, let feedback):
      texts += (items + [feedback].compactMap { $0 }).map { ($0, sites.fence) }
    case .matching(let pairs, let feedback):
      for (index, pair) in pairs.enumerated() {
        let site = sites.pairs.indices.contains(index) ? sites.pairs[index] : sites.fence
        texts += [(pair.left, site), (pair.right, site)]
      }
      if let feedback { texts.append((feedback, sites.fence)) }
    }
    return texts
  }

  /// The text inside each pair of quotation marks (“…” or "…"), with the line (0-based, from the
  /// start of `text`) and column (0-based, in Unicode scalars) of its opening mark. A blank line
  /// ends an unclosed straight quotation.
  static func quotations(in text: String) -> [(Range<String.Index>, Int, Int)] {
    var found: [(Range<String.Index>, Int, Int)] = []
    var line = 0
    var column = 0
    var open: (index: String.Index, line: Int, column: Int, curly: Bool)?
    var previousWasNewline = false
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      let next = text.index(after: index)
      if character.isNewline {
        if previousWasNewline { open = nil }
        previousWasNewline = true
        line += 1
        column = 0
        index = next
        continue
      }
      if !character.isWhitespace { previousWasNewline = false }
      if let start = open, (character == "\"" && !start.curly) || (character == "\u{201D}" && start.curly) {
        let inner = text.index(after: start.index)..<index
        if text.distance(from: inner.lowerBound, to: inner.upperBound) <= longestQuotation {
          found.append((inner, start.line, start.column))
        }
        open = nil
      } else if character == "\"" || character == "\u{201C}" {
        open = (index, line, column, character == "\u{201C}")
      }
      column += character.unicodeScalars.count
      index = next
    }
    return found
  }
}
