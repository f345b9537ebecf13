import Foundation
import Testing

@testable import WorkshopEngine

@Suite struct JournalCodecTests {
  static func randomString(_ rng: inout some RandomNumberGenerator) -> String {
    let pool: [String] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1f}",
                          "\u{7f}", "é", "ß", "中", "😀", "\u{2028}", "{", "}", ",", ":", "[", "e-5"]
    let n = Int.random(in: 0...12, using: &rng)
    return (0..<n).map { _ in pool.randomElement(using: &rng)! }.joined()
  }

  static func randomDouble(_ rng: inout some RandomNumberGenerator) -> Double {
    switch Int.random(in: 0..<6, using: &rng) {
    case 0: return Double(Int.random(in: -5...5, using: &rng))
    case 1: return Double.random(in: 0...1, using: &rng)
    case 2: return Double(Int.random(in: 0...100_000, using: &rng)) / 1000
    case 3: return Double.random(in: -1e300...1e300, using: &rng)
    case 4: return Double.random(in: 0...1e-6, using: &rng)
    default: return [0.1, 0.5, 1e-5, 1e20, -0.0, 1.2345678901234568e17, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude].randomElement(using: &rng)!
    }
  }

  static func randomEvent(_ rng: inout some RandomNumberGenerator) -> JournalEvent {
    func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &rng) ? make() : nil }
    let kinds: [JournalEvent.Kind] = [
      .sessionStarted, .sessionEnded, .lessonStarted, .lessonRestarted, .pageViewed, .hintShown,
      .answerSubmitted, .questionSkipped, .lessonCompleted, .questionsDrawn, .reviewAnswered,
    ]
    let response: Response
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: response = .choices((0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: 0...9, using: &rng) })
    case 1: response = .text(randomString(&rng))
    case 2: response = .number(randomDouble(&rng))
    case 3: response = .order([2, 0, 1])
    default: response = .matches([Int.random(in: -3...3, using: &rng), 1])
    }
    return JournalEvent(
      id: UUID().uuidString.lowercased(),
      at: Timestamp.format(milliseconds: Int64.random(in: 0...4_000_000_000_000, using: &rng)),
      kind: kinds.randomElement(using: &rng)!,
      course: maybe { randomString(&rng) }, lesson: maybe { randomString(&rng) },
      lessonDigest: maybe { randomString(&rng) }, page: maybe { randomString(&rng) },
      question: maybe { randomString(&rng) }, questionDigest: maybe { randomString(&rng) },
      raw: maybe { randomString(&rng) },
      response: maybe { response },
      outcome: maybe { [Grade.Outcome.correct, .partial, .wrong].randomElement(using: &rng)! },
      credit: maybe { randomDouble(&rng) }, earned: maybe { randomDouble(&rng) },
      attempt: maybe { Int.random(in: -10...Int.max, using: &rng) }, hint: maybe { Int.random(in: 0...5, using: &rng) },
      rating: maybe { Int.random(in: 1...4, using: &rng) },
      seconds: maybe { randomDouble(&rng) }, score: maybe { randomDouble(&rng) },
      passed: maybe { Bool.random(using: &rng) },
      questions: maybe { (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomString(&rng) } },
      seed: maybe { UInt64.random(in: 0...UInt64.max, using: &rng) }, engine: maybe { randomString(&rng) })
  }

  @Test func fastDecoderRoundTripsRandomEventsLikeJSONDecoder() throws {
    var rng = SystemRandomNumberGenerator()
    let decoder = JSONDecoder()
    for _ in 0..<3_000 {
      let event = Self.randomEvent(&rng)
      let line = try JournalCodec.encode(event)
      #expect(!line.contains(0x0A), "a line must not contain a raw newline")
      let fast = line.withUnsafeBufferPointer { JournalCodec.decodeFast($0) }
      let reference = try decoder.decode(JournalEvent.self, from: Data(line))
      #expect(fast == event, "\(String(decoding: line, as: UTF8.self))")
      #expect(reference == event)
    }
  }

  @Test func decodesWhatJSONEncoderWrites() throws {
    var rng = SystemRandomNumberGenerator()
    let encoder = JSONEncoder()
    for _ in 0..<500 {
      let event = Self.randomEvent(&rng)
      let data = Array(try encoder.encode(event))
      let fast = data.withUnsafeBufferPointer { JournalCodec.decodeFast($0) }
      // JSONEncoder's key order and forms differ; the fast path or the fallback must agree.
      #expect((fast ?? JournalCodec.decode(data)) == event)
    }
  }

  @Test func oddButValidLinesFallBackToJSONDecoder() throws {
    let line = #"{"id":"x","at":"2026-01-01T00:00:00.000Z","kind":"page-viewed","extra":{"a":[1]},"page":"p"}"#
    let fast = Array(line.utf8).withUnsafeBufferPointer { JournalCodec.decodeFast($0) }
    #expect(fast == nil)
    let event = try #require(JournalCodec.decode(Array(line.utf8)))
    #expect(event.page == "p" && event.kind == .pageViewed)
  }

  @Test func escapesAndSurrogatesDecode() throws {
    let line = #"{ "id" : "a\u00e9\ud83d\ude00\/\n" , "at":"t","kind":"session-started","credit":1E2,"seconds":-0.25 }"#
    let event = try #require(Array(line.utf8).withUnsafeBufferPointer { JournalCodec.decodeFast($0) })
    #expect(event.id == "aé😀/\n")
    #expect(event.credit == 100 && event.seconds == -0.25)
    #expect(JournalCodec.decode(Array(#"{"id":"a","at":"t","kind":"nope"}"#.utf8)) == nil)
    #expect(JournalCodec.decode(Array(#"{"id":"a","at":"t","kind":"session-started""#.utf8)) == nil)
  }

  @Test func nonFiniteNumbersAreRefused() {
    #expect(throws: JournalError.self) {
      try JournalCodec.encode(JournalEvent(kind: .answerSubmitted, response: .number(.infinity)))
    }
  }
}
