/// A question as written in a ```` ```question ```` block of a lesson file.
public struct Question: Sendable, Hashable {
  // A question is read far more often than it is changed, and it travels: through the
  // loader, the checks, attempts and review cards. Its fields live in one shared, immutable
  // box, so a copy is one reference; a change makes a new box.
  private struct Fields: Sendable, Hashable {
    var id: String
    var prompt: String
    var points: Double
    var body: Body
    var explanation: String
    var hints: [String]
    var tags: [String]
    var assesses: [String]
    var objectives: [Int]
    var examples: Examples?
    var line: Int
    var digest: String
  }

  private final class Box: Sendable {
    let fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }

  private var box: Box

  private mutating func change(_ body: (inout Fields) -> Void) {
    var fields = box.fields
    body(&fields)
    box = Box(fields)
  }

  public var id: String {
    get { box.fields.id }
    set { change { $0.id = newValue } }
  }
  /// Markdown.
  public var prompt: String {
    get { box.fields.prompt }
    set { change { $0.prompt = newValue } }
  }
  public var points: Double {
    get { box.fields.points }
    set { change { $0.points = newValue } }
  }
  public var body: Body {
    get { box.fields.body }
    set { change { $0.body = newValue } }
  }
  /// Shown after the question is answered (or at the end, in exam mode).
  public var explanation: String {
    get { box.fields.explanation }
    set { change { $0.explanation = newValue } }
  }
  /// Graduated hints, from gentle to nearly the answer.
  public var hints: [String] {
    get { box.fields.hints }
    set { change { $0.hints = newValue } }
  }
  public var tags: [String] {
    get { box.fields.tags }
    set { change { $0.tags = newValue } }
  }
  /// Topics (from the lessons' `teaches` lists) that this question tests; used on assessment
  /// questions so lint can check that every tested topic is taught.
  public var assesses: [String] {
    get { box.fields.assesses }
    set { change { $0.assesses = newValue } }
  }
  /// The lesson objectives (1-based, in the front matter's order) this question checks: the
  /// lesson's summary ticks off an objective from them (`ObjectiveCheck`).
  public var objectives: [Int] {
    get { box.fields.objectives }
    set { change { $0.objectives = newValue } }
  }
  /// Strings that lint grades as a proof of the answer key (short answer and numeric only).
  public var examples: Examples? {
    get { box.fields.examples }
    set { change { $0.examples = newValue } }
  }
  /// Line of the opening fence in the lesson file.
  public var line: Int {
    get { box.fields.line }
    set { change { $0.line = newValue } }
  }
  /// SHA-256 over the question's canonical content.
  public var digest: String {
    get { box.fields.digest }
    set { change { $0.digest = newValue } }
  }

  public init(
    id: String, prompt: String, points: Double = 1, body: Body, explanation: String,
    hints: [String] = [], tags: [String] = [], examples: Examples? = nil, line: Int = 0,
    digest: String = "", assesses: [String] = [], objectives: [Int] = []
  ) {
    box = Box(
      Fields(
        id: id, prompt: prompt, points: points, body: body, explanation: explanation, hints: hints, tags: tags,
        assesses: assesses, objectives: objectives, examples: examples, line: line, digest: digest))
  }

  public static func == (a: Question, b: Question) -> Bool { a.box === b.box || a.box.fields == b.box.fields }

  public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

  public var kind: Kind { body.kind }

  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case single, multiple, truefalse, short, numeric, ordering, matching
  }

  /// What makes an answer right, per question type.
  public enum Body: Sendable, Hashable {
    /// Exactly one choice is correct.
    case single([Choice])
    /// Select all that apply: at least one correct and one wrong choice.
    case multiple([Choice])
    /// `answer` is the right value; feedback for picking true and for picking false.
    case trueFalse(answer: Bool, feedbackTrue: String?, feedbackFalse: String?)
    case shortAnswer(ShortAnswer)
    case numeric(NumericAnswer)
    /// Items in their correct order; learners see them shuffled. `feedback` is shown for a wrong order.
    case ordering(items: [String], feedback: String? = nil)
    /// Left items and the right item each matches; learners see the right column shuffled.
    /// `feedback` is shown when any pair is wrong.
    case matching(pairs: [MatchPair], feedback: String? = nil)

    public var kind: Kind {
      switch self {
      case .single: .single
      case .multiple: .multiple
      case .trueFalse: .truefalse
      case .shortAnswer: .short
      case .numeric: .numeric
      case .ordering: .ordering
      case .matching: .matching
      }
    }
  }

  public struct Choice: Sendable, Hashable {
    public var text: String
    public var correct: Bool
    public var feedback: String?
    public init(text: String, correct: Bool, feedback: String? = nil) {
      self.text = text
      self.correct = correct
      self.feedback = feedback
    }
  }

  public struct ShortAnswer: Sendable, Hashable {
    /// Accepted answers, compared after normalisation.
    public var accepted: [String]
    /// An optional regular expression matched against the whole normalised response.
    public var pattern: String?
    /// Feedback for particular wrong answers (compared after normalisation).
    public var wrongAnswers: [WrongAnswer]
    /// Feedback for any other wrong answer.
    public var otherwiseFeedback: String?
    public init(
      accepted: [String], pattern: String? = nil, wrongAnswers: [WrongAnswer] = [],
      otherwiseFeedback: String? = nil
    ) {
      self.accepted = accepted
      self.pattern = pattern
      self.wrongAnswers = wrongAnswers
      self.otherwiseFeedback = otherwiseFeedback
    }
  }

  public struct WrongAnswer: Sendable, Hashable {
    public var answer: String
    public var feedback: String
    public init(answer: String, feedback: String) {
      self.answer = answer
      self.feedback = feedback
    }
  }

  public struct NumericAnswer: Sendable, Hashable {
    public enum Rule: Sendable, Hashable {
      case exact(Double)
      /// Correct when |response − value| ≤ tolerance.
      case tolerance(value: Double, tolerance: Double)
      /// Correct when min ≤ response ≤ max.
      case range(min: Double, max: Double)
    }
    public var rule: Rule
    public var otherwiseFeedback: String?
    public init(rule: Rule, otherwiseFeedback: String? = nil) {
      self.rule = rule
      self.otherwiseFeedback = otherwiseFeedback
    }
  }

  public struct MatchPair: Sendable, Hashable {
    public var left: String
    public var right: String
    public init(left: String, right: String) {
      self.left = left
      self.right = right
    }
  }

  public struct Examples: Sendable, Hashable {
    public var accept: [String]
    public var reject: [String]
    public init(accept: [String], reject: [String]) {
      self.accept = accept
      self.reject = reject
    }
  }
}
