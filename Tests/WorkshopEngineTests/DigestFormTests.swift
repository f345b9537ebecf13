import Testing

@testable import WorkshopEngine

/// Seeded, so a failing case can be replayed.
private typealias SeededGenerator = SplitMix64

private func text(_ rng: inout SeededGenerator) -> String {
  let pieces = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "\u{1}", "\u{1F}", "é", "🎉", "/", "<b>", "0"]
  return (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
    .joined()
}

private func maybe(_ rng: inout SeededGenerator) -> String? {
  Bool.random(using: &rng) ? text(&rng) : nil
}

private func number(_ rng: inout SeededGenerator) -> Double {
  [0, 1, -3, 2.5, 1e20, 0.1, 1e-7, 123456789012345].randomElement(using: &rng)!
}

private func question(_ rng: inout SeededGenerator) -> Question {
  let body: Question.Body
  switch Int.random(in: 0..<9, using: &rng) {
  case 0, 1:
    let choices = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
      Question.Choice(text: text(&rng), correct: Bool.random(using: &rng), feedback: maybe(&rng))
    }
    body = Bool.random(using: &rng) ? .single(choices) : .multiple(choices)
  case 2:
    body = .trueFalse(answer: Bool.random(using: &rng), feedbackTrue: maybe(&rng), feedbackFalse: maybe(&rng))
  case 3:
    body = .shortAnswer(
      Question.ShortAnswer(
        accepted: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text(&rng) }, pattern: maybe(&rng),
        wrongAnswers: (0..<Int.random(in: 0...2, using: &rng)).map { _ in
          Question.WrongAnswer(answer: text(&rng), feedback: text(&rng))
        }, otherwiseFeedback: maybe(&rng)))
  case 4:
    body = .numeric(Question.NumericAnswer(rule: .exact(number(&rng)), otherwiseFeedback: maybe(&rng)))
  case 5:
    body = .numeric(
      Question.NumericAnswer(
        rule: .tolerance(value: number(&rng), tolerance: number(&rng)), otherwiseFeedback: maybe(&rng)))
  case 6:
    body = .numeric(
      Question.NumericAnswer(rule: .range(min: number(&rng), max: number(&rng)), otherwiseFeedback: maybe(&rng)))
  case 7:
    body = .ordering(items: (0..<3).map { _ in text(&rng) }, feedback: maybe(&rng))
  default:
    body = .matching(
      pairs: (0..<2).map { _ in Question.MatchPair(left: text(&rng), right: text(&rng)) },
      feedback: maybe(&rng))
  }
  return Question(
    id: "q-\(rng.next() % 100)", prompt: text(&rng), points: number(&rng), body: body,
    explanation: text(&rng), hints: (0..<Int.random(in: 0...2, using: &rng)).map { _ in text(&rng) },
    tags: Bool.random(using: &rng) ? ["tag"] : [],
    examples: Bool.random(using: &rng) ? Question.Examples(accept: ["x"], reject: []) : nil,
    line: Int.random(in: 1...99, using: &rng))
}

private func policy(_ rng: inout SeededGenerator) -> Policy {
  Policy(
    mode: Bool.random(using: &rng) ? .exam : .learn, attempts: Int.random(in: 1...5, using: &rng),
    creditPerAttempt: [1, number(&rng)], hintCost: number(&rng), hintsAllowed: Bool.random(using: &rng),
    skipAllowed: Bool.random(using: &rng), passMark: number(&rng), shuffle: Bool.random(using: &rng))
}

/// Every stored answer is tied to a digest, so the writer that produces the digested text must
/// never change its bytes. These compare it with the straightforward writer it replaced.
@Suite struct DigestFormTests {
  @Test func questionTextMatchesTheReferenceWriter() {
    var rng = SeededGenerator(seed: 7)
    for _ in 0..<2000 {
      let q = question(&rng)
      #expect(Digests.canonicalJSON(q) == ReferenceDigests.canonicalJSON(q))
      #expect(Digests.question(q) == Digests.sha256(ReferenceDigests.canonicalJSON(q)))
    }
  }

  @Test func lessonAndCourseDigestsMatchTheReferenceWriter() {
    var rng = SeededGenerator(seed: 11)
    for _ in 0..<200 {
      var items: [LessonItem] = []
      for n in 0..<Int.random(in: 0...5, using: &rng) {
        if Bool.random(using: &rng) {
          items.append(.page(Page(id: "p\(n)", title: text(&rng), markdown: text(&rng), line: n)))
        } else {
          var q = question(&rng)
          if Bool.random(using: &rng) { q.digest = Digests.question(q) }
          items.append(.question(q))
        }
      }
      let lesson = Lesson(
        id: "l", title: text(&rng), summary: text(&rng), objectives: [text(&rng)],
        estimatedMinutes: Int.random(in: 1...60, using: &rng),
        kind: Bool.random(using: &rng) ? .assessment : .lesson, required: Bool.random(using: &rng),
        policy: policy(&rng), draw: Bool.random(using: &rng) ? 3 : nil, items: items, path: "x.md",
        digest: "")
      #expect(Digests.lesson(lesson) == Digests.sha256(ReferenceDigests.lesson(lesson)))
      let course = Course(
        id: "c", title: text(&rng), version: text(&rng), description: text(&rng), language: "en",
        policy: policy(&rng), lessons: [lesson], directory: "d", digest: "")
      #expect(Digests.course(course) == Digests.sha256(ReferenceDigests.course(course)))
    }
  }

  @Test func asciiNormalisingAgreesWithTheUnicodePath() {
    var rng = SeededGenerator(seed: 3)
    let alphabet = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
    for _ in 0..<5000 {
      let input = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in
        Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : "1.-a. B".randomElement(using: &rng)!
      })
      #expect(Normalizer.normalizeASCII(input) == Normalizer.normalizeUnicode(input), "\(Array(input.utf8))")
    }
    #expect(Normalizer.normalizeASCII("Café") == nil)
  }
}
