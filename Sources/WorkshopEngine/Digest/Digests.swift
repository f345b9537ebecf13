import Crypto

/// SHA-256 digests of canonical content. Progress stays valid for a question as long as its digest
/// does: the digest covers what a learner sees and what decides the grade, never formatting,
/// positions or lint-only data (examples).
public enum Digests {
  /// Canonical JSON: id, type, prompt, points, explanation, hints, tags and the type's answer
  /// fields (choices, answer, feedback, ...). `assesses` is left out: it is an author's note for
  /// lint, changes neither what the learner sees nor the grade, and leaving it out lets authors
  /// add it to existing questions without resetting anyone's progress.
  public static func question(_ question: Question) -> String {
    sha256(canonical(question).bytes)
  }

  /// Over the lesson's metadata, effective policy and items in order: each page's id, title and
  /// Markdown, each question's digest. A blueprint is included (it decides which questions a
  /// learner is asked) but only when there is one, so lessons without one keep their digests;
  /// `teaches` is lint's metadata and, like `assesses`, is left out.
  public static func lesson(_ lesson: Lesson) -> String {
    var json = CanonicalJSON(capacity: 1024)
    // Keys in sorted order: blueprint, draw, id, items, kind, minutes, objectives, policy,
    // required, summary, title.
    json.object { o in
      if !lesson.blueprint.isEmpty {
        o.key("blueprint")
        o.array(lesson.blueprint) { v, quota in
          v.object { o in
            o.key("count")
            o.number(Double(quota.count))
            o.key("tag")
            o.string(quota.tag)
          }
        }
      }
      o.key("draw")
      if let draw = lesson.draw { o.number(Double(draw)) } else { o.null() }
      o.key("id")
      o.string(lesson.id)
      o.key("items")
      o.array(lesson.items) { v, item in
        switch item {
        case .page(let page):
          v.object { o in
            o.key("id")
            o.string(page.id)
            o.key("markdown")
            o.string(page.markdown)
            o.key("title")
            o.string(page.title)
          }
        case .question(let question):
          v.object { o in
            o.key("question")
            o.string(question.digest.isEmpty ? Digests.question(question) : question.digest)
          }
        }
      }
      o.key("kind")
      o.string(lesson.kind.rawValue)
      o.key("minutes")
      o.number(Double(lesson.estimatedMinutes))
      o.key("objectives")
      o.strings(lesson.objectives)
      o.key("policy")
      policy(&o, lesson.policy)
      o.key("required")
      o.bool(lesson.required)
      o.key("summary")
      o.string(lesson.summary)
      o.key("title")
      o.string(lesson.title)
    }
    return sha256(json.bytes)
  }

  /// Over the course's metadata, policy and every lesson's digest in order.
  public static func course(_ course: Course) -> String {
    var json = CanonicalJSON()
    // Keys in sorted order: description, id, language, lessons, policy, title, version.
    json.object { o in
      o.key("description")
      o.string(course.description)
      o.key("id")
      o.string(course.id)
      o.key("language")
      o.string(course.language)
      o.key("lessons")
      o.array(course.lessons) { $0.string($1.digest.isEmpty ? Digests.lesson($1) : $1.digest) }
      o.key("policy")
      policy(&o, course.policy)
      o.key("title")
      o.string(course.title)
      o.key("version")
      o.string(course.version)
    }
    return sha256(json.bytes)
  }

  /// The canonical JSON text a question digest is taken over.
  public static func canonicalJSON(_ question: Question) -> String {
    canonical(question).text
  }

  /// Every key a question may have, in sorted order: answer, answers, choices, explanation,
  /// feedback, hints, id, items, pairs, pattern, points, prompt, range, tags, tolerance, type,
  /// wrong. Each is written only for the types that have it.
  private static func canonical(_ question: Question) -> CanonicalJSON {
    var json = CanonicalJSON()
    json.object { o in
      let body = question.body
      // answer
      switch body {
      case .trueFalse(let answer, _, _):
        o.key("answer")
        o.bool(answer)
      case .numeric(let key):
        switch key.rule {
        case .exact(let value), .tolerance(let value, _):
          o.key("answer")
          o.number(value)
        case .range:
          break
        }
      default:
        break
      }
      // answers
      if case .shortAnswer(let key) = body {
        o.key("answers")
        o.strings(key.accepted)
      }
      // choices
      switch body {
      case .single(let choices), .multiple(let choices):
        o.key("choices")
        o.array(choices) { v, choice in
          v.object { o in
            o.key("correct")
            o.bool(choice.correct)
            if let feedback = choice.feedback {
              o.key("feedback")
              o.string(feedback)
            }
            o.key("text")
            o.string(choice.text)
          }
        }
      default:
        break
      }
      o.key("explanation")
      o.string(question.explanation)
      // feedback
      var feedback: String?
      switch body {
      case .trueFalse(_, let feedbackTrue, let feedbackFalse):
        if feedbackTrue != nil || feedbackFalse != nil {
          o.key("feedback")
          o.object { o in
            if let f = feedbackFalse {
              o.key("false")
              o.string(f)
            }
            if let t = feedbackTrue {
              o.key("true")
              o.string(t)
            }
          }
        }
      case .shortAnswer(let key): feedback = key.otherwiseFeedback
      case .numeric(let key): feedback = key.otherwiseFeedback
      case .ordering(_, let text), .matching(_, let text): feedback = text
      case .single, .multiple: break
      }
      if let feedback {
        o.key("feedback")
        o.string(feedback)
      }
      o.key("hints")
      o.strings(question.hints)
      o.key("id")
      o.string(question.id)
      if case .ordering(let items, _) = body {
        o.key("items")
        o.strings(items)
      }
      if case .matching(let pairs, _) = body {
        o.key("pairs")
        o.array(pairs) { v, pair in
          v.object { o in
            o.key("left")
            o.string(pair.left)
            o.key("right")
            o.string(pair.right)
          }
        }
      }
      if case .shortAnswer(let key) = body, let pattern = key.pattern {
        o.key("pattern")
        o.string(pattern)
      }
      o.key("points")
      o.number(question.points)
      o.key("prompt")
      o.string(question.prompt)
      if case .numeric(let key) = body, case .range(let low, let high) = key.rule {
        o.key("range")
        o.array([low, high]) { $0.number($1) }
      }
      o.key("tags")
      o.strings(question.tags)
      if case .numeric(let key) = body, case .tolerance(_, let tolerance) = key.rule {
        o.key("tolerance")
        o.number(tolerance)
      }
      o.key("type")
      o.string(question.kind.rawValue)
      if case .shortAnswer(let key) = body, !key.wrongAnswers.isEmpty {
        o.key("wrong")
        o.array(key.wrongAnswers) { v, wrong in
          v.object { o in
            o.key("answer")
            o.string(wrong.answer)
            o.key("feedback")
            o.string(wrong.feedback)
          }
        }
      }
    }
    return json
  }

  private static func policy(_ v: inout CanonicalJSON, _ policy: Policy) {
    // Sorted: attempts, credit, hint_cost, hints, mode, pass_mark, shuffle, skip.
    v.object { o in
      o.key("attempts")
      o.number(Double(policy.attempts))
      o.key("credit")
      o.array(policy.creditPerAttempt) { $0.number($1) }
      o.key("hint_cost")
      o.number(policy.hintCost)
      o.key("hints")
      o.bool(policy.hintsAllowed)
      o.key("mode")
      o.string(policy.mode.rawValue)
      o.key("pass_mark")
      o.number(policy.passMark)
      o.key("shuffle")
      o.bool(policy.shuffle)
      o.key("skip")
      o.bool(policy.skipAllowed)
    }
  }

  static func sha256(_ text: String) -> String {
    var text = text
    return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
  }

  static func sha256(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
  }

  /// Through the digest's bytes: iterating the digest itself costs a call per byte.
  private static func hex(_ digest: SHA256.Digest) -> String { digest.withUnsafeBytes { Hex.string($0) } }
}
