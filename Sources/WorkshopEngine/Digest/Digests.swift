import Crypto

/// SHA-256 digests of canonical content. Progress stays valid for a question as long as its digest
/// does: the digest covers what a learner sees and what decides the grade, never formatting,
/// positions or lint-only data (examples).
public enum Digests {
  /// Canonical JSON: id, type, prompt, points, explanation, hints, tags and the type's answer
  /// fields (choices, answer, feedback, ...).
  public static func question(_ question: Question) -> String {
    sha256(canonicalJSON(question))
  }

  /// Over the lesson's metadata, effective policy and items in order: each page's id, title and
  /// Markdown, each question's digest.
  public static func lesson(_ lesson: Lesson) -> String {
    var json = CanonicalJSON()
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
    return sha256(json.text)
  }

  /// Over the course's metadata, policy and every lesson's digest in order.
  public static func course(_ course: Course) -> String {
    var json = CanonicalJSON()
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
    return sha256(json.text)
  }

  /// The canonical JSON text a question digest is taken over.
  public static func canonicalJSON(_ question: Question) -> String {
    var json = CanonicalJSON()
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

  private static func policy(_ v: inout CanonicalJSON, _ policy: Policy) {
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

  static func sha256(_ text: String) -> String {
    var text = text
    let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: 64) { buffer in
      var i = 0
      for byte in digest {
        buffer[i] = hexDigits[Int(byte >> 4)]
        buffer[i + 1] = hexDigits[Int(byte & 0x0F)]
        i += 2
      }
      return 64
    }
  }
}
