@testable import WorkshopEngine

/// A minimal JSON writer for digests: object keys sorted by their UTF-8 bytes, no whitespace,
/// whole numbers without a fraction, other numbers in Swift's shortest round-trip form, strings
/// with only `"`, `\` and control characters escaped.
struct ReferenceCanonicalJSON {
  private(set) var text = ""

  mutating func null() { text += "null" }

  mutating func bool(_ value: Bool) { text += value ? "true" : "false" }

  mutating func number(_ value: Double) {
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
      text += String(Int64(value))
    } else {
      text += String(value)
    }
  }

  mutating func string(_ value: String) {
    text.append("\"")
    var plainStart = value.utf8.startIndex
    let utf8 = value.utf8
    var index = plainStart
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte == 0x22 || byte == 0x5C || byte < 0x20 {
        text += value[plainStart..<index]
        switch byte {
        case 0x22: text += "\\\""
        case 0x5C: text += "\\\\"
        case 0x0A: text += "\\n"
        case 0x09: text += "\\t"
        case 0x0D: text += "\\r"
        default:
          let digits = String(byte, radix: 16)
          text += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        plainStart = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    text += value[plainStart..<utf8.endIndex]
    text.append("\"")
  }

  mutating func array<T>(_ items: [T], _ element: (inout ReferenceCanonicalJSON, T) -> Void) {
    text.append("[")
    for (offset, item) in items.enumerated() {
      if offset > 0 { text.append(",") }
      element(&self, item)
    }
    text.append("]")
  }

  mutating func object(_ build: (inout Object) -> Void) {
    var object = Object()
    build(&object)
    object.fields.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    text.append("{")
    for (offset, field) in object.fields.enumerated() {
      if offset > 0 { text.append(",") }
      string(field.key)
      text.append(":")
      text += field.value
    }
    text.append("}")
  }

  struct Object {
    fileprivate var fields: [(key: String, value: String)] = []

    mutating func field(_ key: String, _ value: (inout ReferenceCanonicalJSON) -> Void) {
      var json = ReferenceCanonicalJSON()
      value(&json)
      fields.append((key, json.text))
    }
  }
}

/// The digest text as the first implementation wrote it, kept to prove that the faster writer in
/// the engine produces the same bytes (every stored progress record depends on them).
enum ReferenceDigests {
  /// Canonical text of a lesson (digested in the engine).
  static func lesson(_ lesson: Lesson) -> String {
    var json = ReferenceCanonicalJSON()
    json.object { o in
      o.field("draw") { if let draw = lesson.draw { $0.number(Double(draw)) } else { $0.null() } }
      o.field("id") { $0.string(lesson.id) }
      o.field("items") { v in
        v.array(lesson.items) { v, item in
          switch item {
          case .page(let page):
            v.object { o in
              o.field("id") { $0.string(page.id) }
              o.field("markdown") { $0.string(page.markdown) }
              o.field("title") { $0.string(page.title) }
            }
          case .question(let question):
            v.object { o in
              o.field("question") {
                $0.string(question.digest.isEmpty ? Digests.question(question) : question.digest)
              }
            }
          }
        }
      }
      o.field("kind") { $0.string(lesson.kind.rawValue) }
      o.field("minutes") { $0.number(Double(lesson.estimatedMinutes)) }
      o.field("objectives") { v in v.array(lesson.objectives) { $0.string($1) } }
      o.field("policy") { policy(&$0, lesson.policy) }
      o.field("required") { $0.bool(lesson.required) }
      o.field("summary") { $0.string(lesson.summary) }
      o.field("title") { $0.string(lesson.title) }
    }
    return json.text
  }

  /// Over the course's metadata, policy and every lesson's digest in order.
  static func course(_ course: Course) -> String {
    var json = ReferenceCanonicalJSON()
    json.object { o in
      o.field("description") { $0.string(course.description) }
      o.field("id") { $0.string(course.id) }
      o.field("language") { $0.string(course.language) }
      o.field("lessons") { v in
        v.array(course.lessons) { $0.string($1.digest.isEmpty ? Digests.lesson($1) : $1.digest) }
      }
      o.field("policy") { policy(&$0, course.policy) }
      o.field("title") { $0.string(course.title) }
      o.field("version") { $0.string(course.version) }
    }
    return json.text
  }

  /// The canonical JSON text a question digest is taken over.
  static func canonicalJSON(_ question: Question) -> String {
    var json = ReferenceCanonicalJSON()
    json.object { o in
      switch question.body {
      case .single(let choices), .multiple(let choices):
        o.field("choices") { v in
          v.array(choices) { v, choice in
            v.object { o in
              o.field("correct") { $0.bool(choice.correct) }
              if let feedback = choice.feedback { o.field("feedback") { $0.string(feedback) } }
              o.field("text") { $0.string(choice.text) }
            }
          }
        }
      case .trueFalse(let answer, let feedbackTrue, let feedbackFalse):
        o.field("answer") { $0.bool(answer) }
        if feedbackTrue != nil || feedbackFalse != nil {
          o.field("feedback") { v in
            v.object { o in
              if let f = feedbackFalse { o.field("false") { $0.string(f) } }
              if let t = feedbackTrue { o.field("true") { $0.string(t) } }
            }
          }
        }
      case .shortAnswer(let key):
        o.field("answers") { v in v.array(key.accepted) { $0.string($1) } }
        if let feedback = key.otherwiseFeedback { o.field("feedback") { $0.string(feedback) } }
        if let pattern = key.pattern { o.field("pattern") { $0.string(pattern) } }
        if !key.wrongAnswers.isEmpty {
          o.field("wrong") { v in
            v.array(key.wrongAnswers) { v, wrong in
              v.object { o in
                o.field("answer") { $0.string(wrong.answer) }
                o.field("feedback") { $0.string(wrong.feedback) }
              }
            }
          }
        }
      case .numeric(let key):
        switch key.rule {
        case .exact(let value):
          o.field("answer") { $0.number(value) }
        case .tolerance(let value, _):
          o.field("answer") { $0.number(value) }
        case .range:
          break
        }
        if let feedback = key.otherwiseFeedback { o.field("feedback") { $0.string(feedback) } }
        if case .range(let low, let high) = key.rule {
          o.field("range") { v in v.array([low, high]) { $0.number($1) } }
        }
        if case .tolerance(_, let tolerance) = key.rule {
          o.field("tolerance") { $0.number(tolerance) }
        }
      case .ordering(let items, let feedback):
        if let feedback { o.field("feedback") { $0.string(feedback) } }
        o.field("items") { v in v.array(items) { $0.string($1) } }
      case .matching(let pairs, let feedback):
        if let feedback { o.field("feedback") { $0.string(feedback) } }
        o.field("pairs") { v in
          v.array(pairs) { v, pair in
            v.object { o in
              o.field("left") { $0.string(pair.left) }
              o.field("right") { $0.string(pair.right) }
            }
          }
        }
      }
      o.field("explanation") { $0.string(question.explanation) }
      o.field("hints") { v in v.array(question.hints) { $0.string($1) } }
      o.field("id") { $0.string(question.id) }
      o.field("points") { $0.number(question.points) }
      o.field("prompt") { $0.string(question.prompt) }
      o.field("tags") { v in v.array(question.tags) { $0.string($1) } }
      o.field("type") { $0.string(question.kind.rawValue) }
    }
    return json.text
  }

  private static func policy(_ v: inout ReferenceCanonicalJSON, _ policy: Policy) {
    v.object { o in
      o.field("attempts") { $0.number(Double(policy.attempts)) }
      o.field("credit") { v in v.array(policy.creditPerAttempt) { $0.number($1) } }
      o.field("hint_cost") { $0.number(policy.hintCost) }
      o.field("hints") { $0.bool(policy.hintsAllowed) }
      o.field("mode") { $0.string(policy.mode.rawValue) }
      o.field("pass_mark") { $0.number(policy.passMark) }
      o.field("shuffle") { $0.bool(policy.shuffle) }
      o.field("skip") { $0.bool(policy.skipAllowed) }
    }
  }

}
