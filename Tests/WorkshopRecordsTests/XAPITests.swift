import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopRecords

@Suite struct XAPIExport {
  let record = Fixture.finisherRecord()
  var statements: [JSONValue] { XAPIExporter.statements(record: record, course: Fixture.course) }

  @Test func everyStatementPassesTheValidator() {
    #expect(XAPIValidator.validate(statements: statements, now: Date(timeIntervalSince1970: 1_800_000_000)) == [])
    let named = XAPIExporter.statements(record: record, course: Fixture.course, options: .init(includeNames: true))
    #expect(XAPIValidator.validate(statements: named) == [])
  }

  @Test func oneAnsweredPerResponseCompletedPerAttemptAndACourseVerdict() {
    let verbs = statements.map { $0["verb"]!["id"]!.string!.components(separatedBy: "/").last! }
    #expect(verbs.filter { $0 == "answered" }.count == 10)
    #expect(verbs.filter { $0 == "completed" }.count == 4)
    #expect(verbs.last == "passed")
    #expect(Set(statements.map { $0["id"]!.string! }).count == statements.count)
  }

  @Test func idsAreDeterministic() {
    let again = XAPIExporter.statements(record: Fixture.finisherRecord(), course: Fixture.course)
    #expect(statements.map { $0["id"]! } == again.map { $0["id"]! })
  }

  @Test func actorIsAnAccountAndNamedOnlyWhenAsked() {
    let actor = statements[0]["actor"]!
    #expect(actor["account"]?["name"]?.string == record.learner.id)
    #expect(actor["name"] == nil)
    let named = XAPIExporter.statements(record: record, course: Fixture.course, options: .init(includeNames: true))
    #expect(named[0]["actor"]?["name"]?.string == "Ana María")
  }

  @Test func interactionTypesAndPatterns() {
    var byQuestion: [String: JSONValue] = [:]
    for s in statements where s["verb"]!["id"]!.string!.hasSuffix("answered") {
      byQuestion[s["object"]!["id"]!.string!.components(separatedBy: "/").last!] = s
    }
    func def(_ q: String) -> JSONValue { byQuestion[q]!["object"]!["definition"]! }
    func pattern(_ q: String) -> [String] { def(q)["correctResponsesPattern"]!.array!.map { $0.string! } }
    #expect(def("q-single")["interactionType"]?.string == "choice")
    #expect(pattern("q-single") == ["b"])
    #expect(def("q-multi")["interactionType"]?.string == "choice")
    #expect(pattern("q-multi") == ["a[,]c"])
    #expect(byQuestion["q-multi"]!["result"]!["response"]?.string == "a[,]c")
    #expect(def("q-tf")["interactionType"]?.string == "true-false")
    #expect(pattern("q-tf") == ["false"])
    #expect(byQuestion["q-tf"]!["result"]!["response"]?.string == "false")
    #expect(def("q-short")["interactionType"]?.string == "fill-in")
    #expect(pattern("q-short") == ["{case_matters=false}Paris"])
    #expect(def("q-num")["interactionType"]?.string == "numeric")
    #expect(pattern("q-num") == ["40[:]44"])
    #expect(def("q-order")["interactionType"]?.string == "sequencing")
    #expect(pattern("q-order") == ["item-1[,]item-2[,]item-3"])
    #expect(def("q-order")["choices"]?.array?.count == 3)
    #expect(def("q-match")["interactionType"]?.string == "matching")
    #expect(pattern("q-match") == ["left-1[.]right-1[,]left-2[.]right-2[,]left-3[.]right-3"])
    #expect(def("q-match")["source"]?.array?.count == 3 && def("q-match")["target"]?.array?.count == 3)
    // q-single was answered twice: the statements are for the last answer here.
    #expect(byQuestion["q-single"]!["result"]!["score"]!["raw"]?.number == 0.5)
  }

  @Test func durations() {
    #expect(XAPIExporter.duration(0) == "PT0S")
    #expect(XAPIExporter.duration(7.25) == "PT7.25S")
    #expect(XAPIExporter.duration(7.5) == "PT7.5S")
    #expect(XAPIExporter.duration(0.004) == "PT0S")
    #expect(XAPIExporter.duration(3723.05) == "PT1H2M3.05S")
    #expect(XAPIExporter.duration(3600) == "PT1H")
    for s in [0.0, 0.01, 59.99, 60, 3599.999, 86_400] { #expect(XAPIValidator.isDuration(XAPIExporter.duration(s))) }
  }
}

/// The LRS rules of the reference notes, §3.7, one by one.
@Suite struct XAPIValidation {
  static let valid: JSONValue = try! JSONParser.parse(
    """
    {"id":"6f1d2c3a-8b4e-4f5a-9c7d-0e1f2a3b4c5d",
     "actor":{"objectType":"Agent","name":"Ada","account":{"homePage":"https://quiz.example.org","name":"u-1842"}},
     "verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"en-US":"answered"}},
     "object":{"objectType":"Activity","id":"https://quiz.example.org/xapi/geo/capitals/q-italy",
      "definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction",
       "name":{"en-US":"Capital of Italy"},"description":{"en-US":"Which city is the capital of Italy?"},
       "interactionType":"choice","correctResponsesPattern":["rome"],
       "choices":[{"id":"rome","description":{"en-US":"Rome"}},{"id":"milan","description":{"en-US":"Milan"}}]}},
     "result":{"response":"milan","success":false,"score":{"scaled":0,"raw":0,"min":0,"max":1},"duration":"PT7.25S"},
     "context":{"registration":"0b7e5a1c-3d2f-4a6b-8c9d-1e2f3a4b5c6d","platform":"quizcli 0.3","language":"en-US",
      "contextActivities":{"parent":[{"id":"https://quiz.example.org/xapi/geo/capitals"}],
                           "grouping":[{"id":"https://quiz.example.org/xapi/geo"}]}},
     "timestamp":"2025-03-04T10:15:30.123Z"}
    """)

  /// Replaces the value at a dotted path (numeric parts index arrays).
  static func set(_ v: JSONValue, _ path: [String], _ new: JSONValue?) -> JSONValue {
    guard let key = path.first else { return new ?? .null }
    if let index = Int(key), var items = v.array {
      items[index] = set(items[index], Array(path.dropFirst()), new)
      return .array(items)
    }
    if path.count == 1, new == nil { return v.removing(key) }
    return v.setting(key, set(v[key] ?? .object([]), Array(path.dropFirst()), new))
  }

  static func problems(_ path: String, _ new: JSONValue?) -> [String] {
    let statement = set(valid, path.split(separator: ".").map(String.init), new)
    return XAPIValidator.validate(statement: statement).map(\.description)
  }

  static func rejects(_ path: String, _ new: JSONValue?, mentioning expected: String) -> Bool {
    problems(path, new).contains { $0.contains(expected) }
  }

  @Test func theWorkedExampleIsValid() {
    #expect(XAPIValidator.validate(statement: Self.valid) == [])
  }

  @Test func requiredProperties() {
    #expect(Self.rejects("actor", nil, mentioning: "statement.actor: required"))
    #expect(Self.rejects("verb", nil, mentioning: "statement.verb: required"))
    #expect(Self.rejects("object", nil, mentioning: "statement.object: required"))
  }

  @Test func scaledOutsideMinusOneToOne() {
    #expect(Self.rejects("result.score.scaled", .number(1.01), mentioning: "result.score.scaled"))
    #expect(Self.rejects("result.score.scaled", .number(-1.00001), mentioning: "result.score.scaled"))
    #expect(Self.problems("result.score.scaled", .number(-1)).isEmpty)
  }

  @Test func rawOutsideMinMax() {
    #expect(Self.rejects("result.score.raw", .number(1.5), mentioning: "raw: is above max"))
    #expect(Self.rejects("result.score.raw", .number(-0.5), mentioning: "raw: is below min"))
    #expect(Self.rejects("result.score.min", .number(1), mentioning: "min must be less than max"))
  }

  @Test func numbersAndBooleansMustHaveTheirTypes() {
    #expect(Self.rejects("result.score.raw", .string("0"), mentioning: "must be a number"))
    #expect(Self.rejects("result.success", .string("true"), mentioning: "must be true or false"))
    #expect(Self.rejects("result.completion", .number(1), mentioning: "must be true or false"))
    #expect(Self.rejects("result.response", .array([]), mentioning: "must be a string"))
  }

  @Test func badUUIDs() {
    #expect(Self.rejects("id", .string("6f1d2c3a-8b4e-4f5a-9c7d-0e1f2a3b4c5"), mentioning: "UUID"))
    #expect(Self.rejects("id", .string("6f1d2c3a8b4e4f5a9c7d0e1f2a3b4c5d"), mentioning: "UUID"))
    #expect(Self.rejects("context.registration", .string("not-a-uuid"), mentioning: "UUID"))
    #expect(Self.rejects("id", .string("6f1d2c3a-8b4e-4f5a-9c7d-0e1f2a3b4c5g"), mentioning: "UUID"))
  }

  @Test func badDurations() {
    for bad in ["PA1H0M0S", "P", "PT", "1H", "PT1H2", "P1W2D", "PT1.5H2M", "PT-1S", "P1H"] {
      #expect(Self.rejects("result.duration", .string(bad), mentioning: "ISO 8601 duration"), "\(bad)")
    }
    for good in ["PT7.25S", "PT1H2M3S", "P2W", "P1Y2M3DT4H5M6S", "P1D", "PT0S", "PT0.5S"] {
      #expect(XAPIValidator.isDuration(good), "\(good)")
    }
  }

  @Test func nonAbsoluteIRIs() {
    #expect(Self.rejects("verb.id", .string("answered"), mentioning: "absolute IRI"))
    #expect(Self.rejects("object.id", .string("/xapi/q-italy"), mentioning: "absolute IRI"))
    #expect(Self.rejects("object.definition.type", .string("cmi.interaction"), mentioning: "absolute IRI"))
    #expect(Self.rejects("object.definition.moreInfo", .string("www.example.org"), mentioning: "absolute IRI"))
    #expect(Self.rejects("actor.account.homePage", .string("quiz.example.org"), mentioning: "absolute IRI"))
    #expect(Self.rejects("result.extensions", .object([("progress", .number(3))]), mentioning: "absolute IRIs"))
    #expect(Self.rejects("object.id", .string("https://example.org/a b"), mentioning: "absolute IRI"))
  }

  @Test func nullsOnlyInsideExtensions() {
    #expect(Self.rejects("result.success", .null, mentioning: "null is not allowed"))
    #expect(Self.rejects("actor.name", .null, mentioning: "null is not allowed"))
    #expect(Self.rejects("verb.display.en-US", .null, mentioning: "null is not allowed"))
    #expect(Self.problems("result.extensions", .object([("https://example.org/x", .null)])).isEmpty)
  }

  @Test func unknownOffsets() {
    for bad in ["2025-03-04T10:15:30.123-00:00", "2025-03-04T10:15:30.123-0000", "2025-03-04T10:15:30.123-00",
                "2025-03-04 10:15:30Z", "2025-13-04T10:15:30Z", "2025-03-04T10:15:30", "yesterday"] {
      #expect(Self.rejects("timestamp", .string(bad), mentioning: "timestamp"), "\(bad)")
    }
    for good in ["2025-03-04T10:15:30.123+00:00", "2025-03-04T10:15:30Z", "2025-03-04T12:15:30.1+0200", "2025-03-04T05:15:30-05"] {
      #expect(Self.problems("timestamp", .string(good)).isEmpty, "\(good)")
    }
  }

  @Test func futureTimestampsWhenAClockIsGiven() {
    let statement = Self.set(Self.valid, ["timestamp"], .string("2030-01-01T00:00:00.000Z"))
    #expect(XAPIValidator.validate(statement: statement, now: Date(timeIntervalSince1970: 1_800_000_000)).contains { $0.message.contains("future") })
  }

  @Test func keyCaseAndUnknownProperties() {
    let wrongCase = Self.valid.removing("actor").setting("Actor", Self.valid["actor"]!)
    let problems = XAPIValidator.validate(statement: wrongCase).map(\.description)
    #expect(problems.contains { $0.contains("statement.Actor: wrong key case") })
    #expect(Self.rejects("result.Success", .bool(true), mentioning: "wrong key case"))
    #expect(Self.rejects("result.grade", .string("A"), mentioning: "unknown property"))
    #expect(Self.rejects("object.definition.interactionType", .string("Choice"), mentioning: "unknown interaction type"))
  }

  @Test func propertiesAtMostOnce() {
    guard case .object(var members) = Self.valid else { return }
    members.append(("verb", Self.valid["verb"]!))
    #expect(XAPIValidator.validate(statement: .object(members)).contains { $0.description == "statement.verb: property given more than once" })
    // Text with a repeated key does not even parse.
    #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"id\":\"a\",\"id\":\"b\"}") }
  }

  @Test func emptyObjects() {
    #expect(Self.rejects("result", .object([]), mentioning: "empty object"))
  }

  @Test func agentsNeedExactlyOneIdentifier() {
    #expect(Self.rejects("actor.mbox", .string("mailto:ada@example.org"), mentioning: "more than one identifier"))
    #expect(Self.rejects("actor.account", nil, mentioning: "needs exactly one"))
    #expect(Self.rejects("actor.account.name", nil, mentioning: "account.name: required"))
    let mbox = Self.set(Self.set(Self.valid, ["actor", "account"], nil), ["actor", "mbox"], .string("ada@example.org"))
    #expect(XAPIValidator.validate(statement: mbox).contains { $0.message.contains("mailto:") })
  }

  @Test func versions() {
    #expect(Self.problems("version", .string("1.0.3")).isEmpty)
    #expect(Self.problems("version", .string("1.0")).isEmpty)
    for bad: JSONValue in [.string("0.9.9"), .string("1.1.0"), .string("2.0.0"), .number(1)] {
      #expect(!Self.problems("version", bad).isEmpty)
    }
  }

  @Test func contextRules() {
    #expect(Self.rejects("context.contextActivities.siblings", .array([]), mentioning: "unknown property"))
    #expect(Self.rejects("context.language", .string("english!"), mentioning: "RFC 5646"))
    #expect(Self.rejects("verb.display", .object([("en_US", .string("x"))]), mentioning: "language tag"))
    // platform and revision need an Activity object.
    let agentObject = Self.set(Self.valid, ["object"], .object([("objectType", .string("Agent")), ("mbox", .string("mailto:b@example.org"))]))
    let problems = XAPIValidator.validate(statement: agentObject).map(\.description)
    #expect(problems.contains { $0.contains("context.platform: only allowed") })
  }

  @Test func interactionComponents() {
    #expect(Self.rejects("object.definition.choices.1.id", .string("rome"), mentioning: "duplicate component id"))
    #expect(Self.rejects("object.definition.choices.1.id", .string("new york"), mentioning: "without whitespace"))
    #expect(Self.rejects("object.definition.correctResponsesPattern", .array([.string("paris")]), mentioning: "unknown choice"))
    #expect(Self.rejects("object.definition.source", .array([]), mentioning: "not allowed for interaction type choice"))
    #expect(Self.rejects("object.definition.interactionType", nil, mentioning: "interactionType: required"))
  }

  @Test func languageTags() {
    for good in ["en", "en-US", "zh-Hant-TW", "de-CH-1996", "es-419", "x-private", "sl-rozaj-biske"] {
      #expect(XAPIValidator.isLanguageTag(good), "\(good)")
    }
    for bad in ["", "e", "en_US", "english-language-x", "en--US", "123"] {
      #expect(!XAPIValidator.isLanguageTag(bad), "\(bad)")
    }
  }
}
