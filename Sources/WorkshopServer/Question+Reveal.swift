import WorkshopEngine

/// Why a participant's request cannot be taken now, in words they can act on.
public struct InputProblem: Error, Sendable, Hashable {
  public var message: String
  public init(_ message: String) { self.message = message }
}

extension Question {
  /// How many things a display order ranges over for this question.
  var presentedCount: Int {
    switch body {
    case .single(let c), .multiple(let c): c.count
    case .trueFalse: 2
    case .ordering(let items, _): items.count
    case .matching(let pairs, _): pairs.count
    case .shortAnswer, .numeric: 0
    }
  }

  /// The right response in canonical terms, for reveals.
  var keyResponse: Response? {
    switch body {
    case .single(let c), .multiple(let c):
      .choices(c.indices.filter { c[$0].correct })
    case .trueFalse(let answer, _, _): .choices([answer ? 0 : 1])
    case .ordering(let items, _): .order(Array(items.indices))
    case .matching(let pairs, _): .matches(Array(pairs.indices))
    case .shortAnswer(let s): s.accepted.first.map(Response.text)
    case .numeric(let n):
      switch n.rule {
      case .exact(let v): .number(v)
      case .tolerance(let v, _): .number(v)
      case .range(let lo, let hi): .number((lo + hi) / 2)
      }
    }
  }

  /// The right answer in words, for the instructor and for reveals of typed answers.
  var keyText: String {
    switch body {
    case .single(let c), .multiple(let c):
      c.enumerated().filter(\.element.correct).map { "\(letter($0.offset)). \($0.element.text)" }
        .joined(separator: "; ")
    case .trueFalse(let answer, _, _): answer ? "True" : "False"
    case .ordering(let items, _): items.joined(separator: " → ")
    case .matching(let pairs, _): pairs.map { "\($0.left) — \($0.right)" }.joined(separator: "; ")
    case .shortAnswer(let s): s.accepted.joined(separator: " / ")
    case .numeric(let n):
      switch n.rule {
      case .exact(let v): formatNumber(v)
      case .tolerance(let v, let t): "\(formatNumber(v)) ± \(formatNumber(t))"
      case .range(let lo, let hi): "\(formatNumber(lo)) to \(formatNumber(hi))"
      }
    }
  }
}

func letter(_ index: Int) -> String {
  index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "#\(index + 1)"
}

func formatNumber(_ v: Double) -> String {
  v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
}
