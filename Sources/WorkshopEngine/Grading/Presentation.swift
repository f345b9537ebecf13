import Crypto

/// The order in which a question's choices (single, multiple), items (ordering) or right-hand
/// column (matching) appear on screen. `order[displayIndex]` is the canonical index shown there.
public struct Presentation: Sendable, Hashable, Codable {
  public var order: [Int]

  public init(order: [Int]) {
    self.order = order
  }

  public static func canonical(count: Int) -> Presentation {
    Presentation(order: Array(0..<max(0, count)))
  }

  /// The canonical index shown at `display` (0-based), or nil when out of range.
  public func canonicalIndex(display: Int) -> Int? {
    order.indices.contains(display) ? order[display] : nil
  }

  /// Where the canonical index `canonical` is shown (0-based), or nil when it is not shown.
  public func displayIndex(canonical: Int) -> Int? {
    order.firstIndex(of: canonical)
  }

  /// The display label of a 0-based position in a lettered list: 0 → "a", 25 → "z", 26 → "aa".
  public static func letter(_ display: Int) -> String {
    guard display >= 0 else { return "?" }
    var n = display
    var scalars: [Unicode.Scalar] = []
    repeat {
      scalars.append(Unicode.Scalar(UInt8(97 + n % 26)))
      n = n / 26 - 1
    } while n >= 0
    return String(String.UnicodeScalarView(scalars.reversed()))
  }

  /// This presentation when it is a permutation of `0..<count`; otherwise the canonical order.
  /// Guards the parser and describer against a presentation built for another question.
  func validated(count: Int) -> Presentation {
    guard order.count == count, Set(order) == Set(0..<count) else {
      return .canonical(count: count)
    }
    return self
  }
}

/// SplitMix64: tiny, fast and fully specified, so that shuffles stay the same across platforms
/// and Swift releases (the standard library's generators make no such promise).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `0..<bound` without modulo bias (rejection sampling).
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0)
    let b = UInt64(bound)
    let threshold = (0 &- b) % b
    while true {
      let r = next()
      if r >= threshold { return Int(r % b) }
    }
  }

  /// Uniform in `0..<1`, with 53 bits of precision.
  public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  /// Fisher–Yates, walking down from the end.
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, through: 1, by: -1) {
      let j = next(below: i + 1)
      if i != j { array.swapAt(i, j) }
    }
  }
}

public enum Shuffler {
  /// Deterministic per (learner, question): same learner always sees the same order.
  ///
  /// - Choice questions: canonical order when `shuffle` is false, else a per-learner order.
  /// - True/false: never shuffled.
  /// - Ordering and matching are always scrambled, because their canonical order *is* the answer;
  ///   `shuffle: false` only makes the scramble the same for every learner (seeded by the question
  ///   id alone). An ordering scramble that happens to equal the right order is rotated once.
  /// - Short and numeric answers have nothing to order: an empty presentation.
  public static func presentation(for question: Question, learner: String, shuffle: Bool)
    -> Presentation
  {
    let seed = shuffle ? self.seed(learner, question.id) : self.seed(question.id)
    switch question.body {
    case .single(let choices), .multiple(let choices):
      guard shuffle else { return .canonical(count: choices.count) }
      return shuffled(count: choices.count, seed: seed)
    case .trueFalse:
      return .canonical(count: 2)
    case .shortAnswer, .numeric:
      return .canonical(count: 0)
    case .ordering(let items, _):
      var p = shuffled(count: items.count, seed: seed)
      if p.order.count >= 2, p.order == Array(0..<p.order.count) {
        p.order.append(p.order.removeFirst())
      }
      return p
    case .matching(let pairs, _):
      return shuffled(count: pairs.count, seed: seed)
    }
  }

  /// A 64-bit seed from the first 8 bytes (big-endian) of SHA-256 over the parts joined by NUL.
  public static func seed(_ parts: String...) -> UInt64 {
    seed(parts: parts)
  }

  static func seed(parts: [String]) -> UInt64 {
    let digest = SHA256.hash(data: Array(parts.joined(separator: "\u{0}").utf8))
    var value: UInt64 = 0
    for byte in digest.prefix(8) {
      value = value << 8 | UInt64(byte)
    }
    return value
  }

  static func shuffled(count: Int, seed: UInt64) -> Presentation {
    var order = Array(0..<max(0, count))
    var rng = SplitMix64(seed: seed)
    rng.shuffle(&order)
    return Presentation(order: order)
  }
}

public enum AssessmentDraw {
  /// The questions one learner is asked from a lesson with `draw` set: `count` question ids drawn
  /// without replacement from the lesson's questions, seeded by (learner, course id, lesson id,
  /// attempt); deterministic: the same inputs always give the same ids in the same order.
  /// A `count` above the number of questions asks all of them; below zero asks none.
  ///
  /// With a blueprint, the draw is stratified: each quota, in the order written, takes its count
  /// from the not-yet-drawn questions carrying its tag (so no question counts twice), any rest of
  /// `count` comes from the questions left, and the result is shuffled so that tags interleave.
  /// Lint's `BlueprintFeasibility` proves every quota can be met. Without a blueprint the draw is
  /// exactly the plain seeded sample it has always been, so journaled draws keep their meaning.
  ///
  /// `seen`: questions asked in earlier attempts. A retake takes questions not in it first, and
  /// only falls back on seen ones where the pool (or a blueprint quota) has too few new ones.
  public static func draw(
    from lesson: Lesson, count: Int, learner: String, courseID: String, attempt: Int,
    seen: Set<String> = []
  ) -> (questionIDs: [String], seed: UInt64) {
    let seed = Shuffler.seed(learner, courseID, lesson.id, String(attempt))
    var rng = SplitMix64(seed: seed)
    let questions = lesson.questions
    var order = Array(questions.indices)
    rng.shuffle(&order)
    if !seen.isEmpty {
      order = order.filter { !seen.contains(questions[$0].id) } + order.filter { seen.contains(questions[$0].id) }
    }
    let total = max(0, count)
    guard !lesson.blueprint.isEmpty else {
      var chosen = Array(order.prefix(total))
      // Seen questions were put last: shuffled again, they do not all come at the end.
      if !seen.isEmpty { rng.shuffle(&chosen) }
      return (chosen.map { questions[$0].id }, seed)
    }
    var taken = Array(repeating: false, count: questions.count)
    var chosen: [Int] = []
    func take(_ wanted: Int, where fits: (Question) -> Bool) {
      var left = min(wanted, total - chosen.count)
      for index in order where left > 0 && !taken[index] && fits(questions[index]) {
        taken[index] = true
        chosen.append(index)
        left -= 1
      }
    }
    for quota in lesson.blueprint {
      take(quota.count) { $0.tags.contains(quota.tag) }
    }
    take(total) { _ in true }
    rng.shuffle(&chosen)
    return (chosen.map { questions[$0].id }, seed)
  }
}
