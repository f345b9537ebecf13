// TEMPORARY stand-in for the grading code, so that lint's example proofs compile and can be
// tested before the real Grading/ files land. Delete this file when merging them.
import Foundation

public struct Presentation: Sendable, Hashable {
  public var order: [Int]
  public init(order: [Int]) { self.order = order }
  public static func canonical(count: Int) -> Presentation { Presentation(order: Array(0..<count)) }
}

public struct InputError: Error, Sendable, Hashable {
  public var message: String
  public init(message: String) { self.message = message }
}

public enum ResponseParser {
  public static func parse(_ input: String, for question: Question, presentation: Presentation)
    -> Result<Response, InputError>
  {
    switch question.body {
    case .shortAnswer:
      return .success(.text(input))
    case .numeric:
      let cleaned = input.filter { $0 != "," && $0 != " " }
      guard let value = Double(cleaned) else {
        return .failure(InputError(message: "not a number"))
      }
      return .success(.number(value))
    default:
      return .failure(InputError(message: "not supported by the temporary stub"))
    }
  }
}

public enum Grader {
  public static func grade(_ question: Question, _ response: Response) -> Grade {
    switch (question.body, response) {
    case (.shortAnswer(let key), .text(let text)):
      let given = stubNormalize(text)
      if key.accepted.contains(where: { stubNormalize($0) == given }) {
        return Grade(outcome: .correct, credit: 1)
      }
      if let pattern = key.pattern,
        let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$"),
        regex.firstMatch(in: given, range: NSRange(given.startIndex..., in: given)) != nil
      {
        return Grade(outcome: .correct, credit: 1)
      }
      return Grade(outcome: .wrong, credit: 0)
    case (.numeric(let key), .number(let value)):
      let right: Bool
      switch key.rule {
      case .exact(let v): right = value == v
      case .tolerance(let v, let t): right = abs(value - v) <= t
      case .range(let lo, let hi): right = lo <= value && value <= hi
      }
      return Grade(outcome: right ? .correct : .wrong, credit: right ? 1 : 0)
    default:
      return Grade(outcome: .wrong, credit: 0)
    }
  }

  private static func stubNormalize(_ text: String) -> String {
    let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
    let kept = folded.unicodeScalars.filter { !CharacterSet.punctuationCharacters.contains($0) }
    return String(String.UnicodeScalarView(kept)).split(whereSeparator: \.isWhitespace)
      .joined(separator: " ")
  }
}
