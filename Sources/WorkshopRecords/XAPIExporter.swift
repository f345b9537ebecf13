#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Turns a completion record into xAPI 1.0.3 statements (mapping in docs/records.md).
public enum XAPIExporter {
  public struct Options: Sendable, Hashable {
    /// Base of every activity id. It only has to be absolute, unique and stable; nothing is
    /// fetched from it.
    public var activityBase: String
    /// `account.homePage` of the actor: the system the opaque id belongs to.
    public var homePage: String
    /// Put the learner's display name (or pseudonym) in `actor.name`.
    public var includeNames: Bool

    public init(
      activityBase: String = "https://workshop.invalid/xapi", homePage: String = "https://workshop.invalid",
      includeNames: Bool = false
    ) {
      self.activityBase = activityBase
      self.homePage = homePage
      self.includeNames = includeNames
    }
  }

  enum Verb: String {
    case answered, completed, passed, failed
    var json: JSONValue {
      .object([
        ("id", .string("http://adlnet.gov/expapi/verbs/\(rawValue)")),
        ("display", .object([("en-US", .string(rawValue))])),
      ])
    }
  }

  static let activityTypes = "http://adlnet.gov/expapi/activities/"

  public static func statements(record: CompletionRecord, course: Course?, options: Options = .init()) -> [JSONValue] {
    var out: [JSONValue] = []
    let lang = XAPIValidator.isLanguageTag(record.course.language) ? record.course.language : "und"
    let courseIRI = courseActivityID(record.course.id, options: options)
    let platform = "workshop \(record.engine)"
    let actor = actor(record, options)
    let courseRef = JSONValue.object([("objectType", .string("Activity")), ("id", .string(courseIRI))])

    for lesson in record.lessons {
      let content = course?.lesson(id: lesson.id)
      let lessonIRI = "\(courseIRI)/lessons/\(segment(lesson.id))"
      let lessonRef = JSONValue.object([("objectType", .string("Activity")), ("id", .string(lessonIRI))])
      for attempt in lesson.attempts {
        for r in attempt.responses {
          let q = content?.question(id: r.question).flatMap { $0.digest == r.questionDigest ? $0 : nil }
          var result = ObjectBuilder()
          result.add("response", responseString(r.response, type: r.type))
          result.add("success", r.outcome == .correct)
          result.add("score", score(scaled: r.credit, raw: r.earned, max: r.points))
          result.add("duration", duration(r.seconds))
          result.add(
            "extensions",
            JSONValue.object([
              ("\(options.activityBase)/extensions/attempt", .number(Double(r.attempt))),
              ("\(options.activityBase)/extensions/hints", .number(Double(r.hints))),
              ("\(options.activityBase)/extensions/question-digest", .string(r.questionDigest)),
            ]))
          out.append(
            statement(
              id: NameUUID.make("xapi", "answered", record.learner.id, r.event),
              actor: actor, verb: .answered,
              object: .object([
                ("objectType", .string("Activity")),
                ("id", .string("\(lessonIRI)/questions/\(segment(r.question))")),
                ("definition", interaction(q, id: r.question, type: r.type, lang: lang)),
              ]),
              result: result.value,
              context: context(
                registration: attempt.registration, platform: platform, lang: lang,
                revision: record.course.version, parent: [lessonRef], grouping: [courseRef]),
              timestamp: r.at))
        }
        if let completedAt = attempt.completedAt {
          var result = ObjectBuilder()
          result.add("completion", true)
          result.add("success", attempt.passed)
          if let s = attempt.score {
            result.add(
              "score", attempt.possible > 0 ? score(scaled: s, raw: min(attempt.earned, attempt.possible), max: attempt.possible)
                : .object([("scaled", .number(s))]))
          }
          result.add("duration", duration(attempt.seconds))
          out.append(
            statement(
              id: NameUUID.make("xapi", "completed", record.learner.id, attempt.registration),
              actor: actor, verb: .completed,
              object: activity(
                id: lessonIRI, type: lesson.kind == "assessment" ? "assessment" : "lesson",
                name: lesson.title, lang: lang),
              result: result.value,
              context: context(
                registration: attempt.registration, platform: platform, lang: lang,
                revision: record.course.version, parent: [courseRef], grouping: []),
              timestamp: completedAt))
        }
      }
    }
    if record.outcome.decided, let at = record.outcome.completedAt {
      let registration = NameUUID.make("registration", record.learner.id, record.course.id, "course", record.course.version)
      var result = ObjectBuilder()
      result.add("success", record.outcome.passed)
      result.add("completion", record.outcome.completed)
      if let s = record.outcome.score {
        result.add(
          "score", record.outcome.possible > 0 ? score(scaled: s, raw: min(record.outcome.earned, record.outcome.possible), max: record.outcome.possible)
            : .object([("scaled", .number(s))]))
      }
      result.add("duration", duration(record.outcome.seconds))
      out.append(
        statement(
          id: NameUUID.make("xapi", "course", record.learner.id, registration, record.outcome.passed ? "passed" : "failed"),
          actor: actor, verb: record.outcome.passed ? .passed : .failed,
          object: activity(id: courseIRI, type: "course", name: record.course.title, lang: lang),
          result: result.value,
          context: context(
            registration: registration, platform: platform, lang: lang, revision: record.course.version,
            parent: [], grouping: []),
          timestamp: at))
    }
    return out
  }

  /// The activity id of a course: the `activity` filter that finds a learner's statements about it.
  public static func courseActivityID(_ courseID: String, options: Options) -> String {
    "\(options.activityBase)/courses/\(segment(courseID))"
  }

  /// The learner as an xAPI agent identified by account only: the `agent` filter for their statements.
  public static func agentFilter(_ record: CompletionRecord, options: Options) -> JSONValue {
    var withoutName = options
    withoutName.includeNames = false
    return actor(record, withoutName)
  }

  /// The statements as the file `--format xapi` writes: a JSON array, one statement per line.
  public static func fileText(_ statements: [JSONValue]) -> String {
    "[\n" + statements.map { JSONWriter.canonical($0) }.joined(separator: ",\n") + "\n]\n"
  }

  static func actor(_ record: CompletionRecord, _ options: Options) -> JSONValue {
    var o = ObjectBuilder()
    o.add("objectType", "Agent")
    if options.includeNames { o.add("name", record.learner.name) }
    o.add(
      "account",
      JSONValue.object([("homePage", .string(options.homePage)), ("name", .string(record.learner.id))]))
    return o.value
  }

  static func statement(
    id: String, actor: JSONValue, verb: Verb, object: JSONValue, result: JSONValue, context: JSONValue,
    timestamp: String
  ) -> JSONValue {
    .object([
      ("id", .string(id)), ("actor", actor), ("verb", verb.json), ("object", object),
      ("result", result), ("context", context), ("timestamp", .string(timestamp)),
    ])
  }

  static func context(
    registration: String, platform: String, lang: String, revision: String, parent: [JSONValue],
    grouping: [JSONValue]
  ) -> JSONValue {
    var ca = ObjectBuilder()
    if !parent.isEmpty { ca.add("parent", JSONValue.array(parent)) }
    if !grouping.isEmpty { ca.add("grouping", JSONValue.array(grouping)) }
    var o = ObjectBuilder()
    o.add("registration", registration)
    o.add("platform", platform)
    o.add("language", lang)
    if !revision.isEmpty { o.add("revision", revision) }
    if !ca.members.isEmpty { o.add("contextActivities", ca.value) }
    return o.value
  }

  static func activity(id: String, type: String, name: String, lang: String) -> JSONValue {
    .object([
      ("objectType", .string("Activity")), ("id", .string(id)),
      (
        "definition",
        .object([
          ("type", .string(activityTypes + type)),
          ("name", .object([(lang, .string(name.isEmpty ? id : name))])),
        ])
      ),
    ])
  }

  static func score(scaled: Double, raw: Double, max: Double) -> JSONValue {
    .object([
      ("scaled", .number(Swift.min(1, Swift.max(-1, scaled)))), ("raw", .number(Swift.min(max, Swift.max(0, raw)))),
      ("min", .number(0)), ("max", .number(max)),
    ])
  }

  /// ISO 8601 duration to the hundredth of a second, the precision xAPI keeps.
  public static func duration(_ seconds: Double) -> String {
    let hundredths = Int((Swift.max(0, seconds.isFinite ? seconds : 0) * 100).rounded())
    let h = hundredths / 360_000
    let m = hundredths / 6000 % 60
    let s = hundredths % 6000
    var out = "PT"
    if h > 0 { out += "\(h)H" }
    if m > 0 { out += "\(m)M" }
    if s > 0 || (h == 0 && m == 0) {
      out += "\(s / 100)"
      if s % 100 != 0 {
        let frac = s % 100
        out += frac % 10 == 0 ? ".\(frac / 10)" : (frac < 10 ? ".0\(frac)" : ".\(frac)")
      }
      out += "S"
    }
    return out
  }

  /// Percent-encodes anything but unreserved characters so ids stay valid IRIs whatever the slug.
  static func segment(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
      if (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 45 || b == 46 || b == 95 || b == 126 {
        out.append(Character(Unicode.Scalar(b)))
      } else {
        out += "%" + NumberText.hexByte(b)
      }
    }
    return out
  }

  // MARK: Interactions

  static func interactionType(_ type: String) -> String {
    switch type {
    case "single", "multiple": "choice"
    case "truefalse": "true-false"
    case "short": "fill-in"
    case "numeric": "numeric"
    case "ordering": "sequencing"
    case "matching": "matching"
    default: "other"
    }
  }

  static func components(_ texts: [String], id: (Int) -> String, lang: String) -> JSONValue {
    .array(
      texts.enumerated().map { i, text in
        .object([("id", .string(id(i))), ("description", .object([(lang, .string(text.isEmpty ? id(i) : text))]))])
      })
  }

  static func interaction(_ q: Question?, id: String, type: String, lang: String) -> JSONValue {
    var o = ObjectBuilder()
    o.add("type", activityTypes + "cmi.interaction")
    guard let q else {
      // The question has changed or gone: say what it was without claiming an answer key.
      o.add("name", JSONValue.object([(lang, .string(id))]))
      o.add("interactionType", interactionType(type))
      return o.value
    }
    o.add("name", JSONValue.object([(lang, .string(title(q)))]))
    o.add("description", JSONValue.object([(lang, .string(q.prompt.isEmpty ? q.id : q.prompt))]))
    o.add("interactionType", interactionType(q.kind.rawValue))
    switch q.body {
    case .single(let choices), .multiple(let choices):
      let right = choices.indices.filter { choices[$0].correct }.map(Presentation.letter)
      o.add("correctResponsesPattern", JSONValue.array([.string(right.joined(separator: "[,]"))]))
      o.add("choices", components(choices.map(\.text), id: Presentation.letter, lang: lang))
    case .trueFalse(let answer, _, _):
      o.add("correctResponsesPattern", JSONValue.array([.string(answer ? "true" : "false")]))
    case .shortAnswer(let key):
      if !key.accepted.isEmpty {
        o.add("correctResponsesPattern", JSONValue.array(key.accepted.map { .string("{case_matters=false}" + $0) }))
      }
    case .numeric(let key):
      let pattern: String
      switch key.rule {
      case .exact(let v): pattern = JSONWriter.number(v)
      case .tolerance(let v, let t): pattern = "\(JSONWriter.number(v - abs(t)))[:]\(JSONWriter.number(v + abs(t)))"
      case .range(let lo, let hi): pattern = "\(JSONWriter.number(lo))[:]\(JSONWriter.number(hi))"
      }
      o.add("correctResponsesPattern", JSONValue.array([.string(pattern)]))
    case .ordering(let items, _):
      o.add("correctResponsesPattern", JSONValue.array([.string(items.indices.map { "item-\($0 + 1)" }.joined(separator: "[,]"))]))
      o.add("choices", components(items, id: { "item-\($0 + 1)" }, lang: lang))
    case .matching(let pairs, _):
      o.add(
        "correctResponsesPattern",
        JSONValue.array([.string(pairs.indices.map { "left-\($0 + 1)[.]right-\($0 + 1)" }.joined(separator: "[,]"))]))
      o.add("source", components(pairs.map(\.left), id: { "left-\($0 + 1)" }, lang: lang))
      o.add("target", components(pairs.map(\.right), id: { "right-\($0 + 1)" }, lang: lang))
    }
    return o.value
  }

  /// A short name for the question: the first line of its prompt, without Markdown emphasis.
  static func title(_ q: Question) -> String {
    let line = q.prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? q.id
    let plain = line.filter { $0 != "*" && $0 != "_" && $0 != "`" }.trimmed(.spaces)
    let short = plain.count > 120 ? String(plain.prefix(117)) + "…" : plain
    return short.isEmpty ? q.id : short
  }

  /// The learner's response in the interaction's syntax.
  static func responseString(_ r: Response, type: String) -> String {
    switch r {
    case .choices(let picked):
      if type == "truefalse" { return picked.first == 0 ? "true" : "false" }
      return picked.sorted().map(Presentation.letter).joined(separator: "[,]")
    case .text(let s): return s
    case .number(let n): return JSONWriter.number(n)
    case .order(let order): return order.map { "item-\($0 + 1)" }.joined(separator: "[,]")
    case .matches(let m):
      return m.enumerated().compactMap { i, right in right >= 0 ? "left-\(i + 1)[.]right-\(right + 1)" : nil }
        .joined(separator: "[,]")
    }
  }
}
