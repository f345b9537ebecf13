/// A compact binary form of `JournalSummary` for checkpoints. `JSONDecoder` needs milliseconds
/// for a summary of a few hundred questions, which would make start-up cost as much as the
/// replay the checkpoint saves; this reads it in a fraction of that.
struct BinaryOut {
  var bytes: [UInt8] = []

  mutating func uint(_ v: UInt64) {
    var v = v
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }
  mutating func int(_ v: Int) { uint(UInt64(bitPattern: Int64(v << 1 ^ v >> 63))) }  // zigzag
  mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
  mutating func double(_ v: Double) { uint(v.bitPattern) }
  mutating func string(_ s: String) {
    uint(UInt64(s.utf8.count))
    bytes.append(contentsOf: s.utf8)
  }
  mutating func optional<T>(_ v: T?, _ write: (inout BinaryOut, T) -> Void) {
    if let v {
      bytes.append(1)
      write(&self, v)
    } else {
      bytes.append(0)
    }
  }
  mutating func array<T>(_ values: [T], _ write: (inout BinaryOut, T) -> Void) {
    uint(UInt64(values.count))
    for v in values { write(&self, v) }
  }
  mutating func map<T>(_ values: [String: T], _ write: (inout BinaryOut, T) -> Void) {
    uint(UInt64(values.count))
    // Sorted, so that equal summaries give equal bytes.
    for key in values.keys.sorted() {
      string(key)
      write(&self, values[key]!)
    }
  }
}

struct BinaryIn {
  struct Malformed: Error {}
  let bytes: [UInt8]
  var i = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func byte() throws(Malformed) -> UInt8 {
    guard i < bytes.count else { throw Malformed() }
    defer { i += 1 }
    return bytes[i]
  }
  mutating func uint() throws(Malformed) -> UInt64 {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let b = try byte()
      guard shift < 64 else { throw Malformed() }
      v |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return v }
      shift += 7
    }
  }
  mutating func count() throws(Malformed) -> Int {
    let n = try uint()
    guard n <= UInt64(bytes.count - i) else { throw Malformed() }
    return Int(n)
  }
  mutating func int() throws(Malformed) -> Int {
    // Zigzag: the shift must be logical, or values with the top bit set come back wrong.
    let z = try uint()
    return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
  }
  mutating func bool() throws(Malformed) -> Bool { try byte() != 0 }
  mutating func double() throws(Malformed) -> Double { Double(bitPattern: try uint()) }
  mutating func string() throws(Malformed) -> String {
    let n = try count()
    guard let s = bytes.withUnsafeBufferPointer({
      String(validating: UnsafeBufferPointer(rebasing: $0[i..<(i + n)]), as: UTF8.self)
    }) else { throw Malformed() }
    i += n
    return s
  }
  mutating func optional<T>(_ read: (inout BinaryIn) throws(Malformed) -> T) throws(Malformed) -> T? {
    try byte() == 0 ? nil : try read(&self)
  }
  mutating func array<T>(_ read: (inout BinaryIn) throws(Malformed) -> T) throws(Malformed) -> [T] {
    let n = try count()
    var values: [T] = []
    values.reserveCapacity(n)
    for _ in 0..<n { values.append(try read(&self)) }
    return values
  }
  mutating func map<T>(_ read: (inout BinaryIn) throws(Malformed) -> T) throws(Malformed) -> [String: T] {
    let n = try count()
    var values: [String: T] = [:]
    values.reserveCapacity(n)
    for _ in 0..<n {
      let key = try string()
      values[key] = try read(&self)
    }
    return values
  }
  mutating func outcome() throws(Malformed) -> Grade.Outcome {
    switch try byte() {
    case 0: .correct
    case 1: .partial
    case 2: .wrong
    default: throw Malformed()
    }
  }
}

extension BinaryOut {
  mutating func outcome(_ o: Grade.Outcome) {
    bytes.append(o == .correct ? 0 : o == .partial ? 1 : 2)
  }

  mutating func response(_ r: Response) {
    switch r {
    case .choices(let v): bytes.append(0); array(v) { $0.int($1) }
    case .text(let v): bytes.append(1); string(v)
    case .number(let v): bytes.append(2); double(v)
    case .order(let v): bytes.append(3); array(v) { $0.int($1) }
    case .matches(let v): bytes.append(4); array(v) { $0.int($1) }
    }
  }

  mutating func summary(_ s: JournalSummary) {
    map(s.courses) { $0.course($1) }
    int(s.eventCount)
    optional(s.firstActivity) { $0.string($1) }
    optional(s.lastActivity) { $0.string($1) }
    double(s.totalSeconds)
    optional(s.previousEventMilliseconds) { $0.int(Int($1)) }
    map(s.reviewCards) { out, lessons in
      out.map(lessons) { out, questions in out.map(questions) { $0.reviewCard($1) } }
    }
  }

  mutating func reviewCard(_ c: ReviewCardRecord) {
    string(c.course)
    string(c.lesson)
    string(c.question)
    optional(c.digest) { $0.string($1) }
    optional(c.introduction) { out, i in
      out.bytes.append(UInt8(i.rating.rawValue))
      out.int(Int(i.at))
      out.int(i.lessonAttempt)
      out.optional(i.durationMs) { $0.int(Int($1)) }
    }
    array(c.reviews) { out, r in
      out.bytes.append(UInt8(r.rating.rawValue))
      out.int(Int(r.at))
      out.optional(r.durationMs) { $0.int(Int($1)) }
    }
    optional(c.schedule) { out, card in
      out.bytes.append(UInt8(card.state.rawValue))
      out.optional(card.step) { $0.int($1) }
      out.optional(card.stability) { $0.double($1) }
      out.optional(card.difficulty) { $0.double($1) }
      out.int(Int(card.due))
      out.optional(card.lastReview) { $0.int(Int($1)) }
      out.int(card.reps)
      out.int(card.lapses)
    }
    optional(c.pending) { out, p in
      out.int(p.attempts)
      out.int(p.hints)
    }
  }

  mutating func course(_ c: CourseRecord) {
    map(c.lessons) { $0.lesson($1) }
    optional(c.firstActivity) { $0.string($1) }
    optional(c.lastActivity) { $0.string($1) }
    double(c.seconds)
  }

  mutating func lesson(_ l: LessonRecord) {
    int(l.attempt)
    bool(l.attemptCompleted)
    optional(l.lessonDigest) { $0.string($1) }
    map(l.questions) { $0.question($1) }
    optional(l.position) { out, p in
      out.bool(p.kind == .question)
      out.string(p.itemID)
      out.bool(p.finished)
    }
    array(l.completions) { out, c in
      out.int(c.attempt)
      out.double(c.score)
      out.bool(c.passed)
      out.optional(c.seconds) { $0.double($1) }
      out.string(c.at)
      out.optional(c.lessonDigest) { $0.string($1) }
    }
    array(l.draws) { out, d in
      out.int(d.attempt)
      out.array(d.questions) { $0.string($1) }
      out.optional(d.seed) { $0.uint($1) }
    }
    optional(l.firstActivity) { $0.string($1) }
    optional(l.lastActivity) { $0.string($1) }
    double(l.seconds)
  }

  mutating func question(_ q: QuestionRecord) {
    optional(q.digest) { $0.string($1) }
    int(q.attemptsUsed)
    int(q.hintsShown)
    bool(q.skipped)
    optional(q.lastOutcome) { $0.outcome($1) }
    optional(q.bestOutcome) { $0.outcome($1) }
    optional(q.credit) { $0.double($1) }
    optional(q.earned) { $0.double($1) }
    optional(q.bestEarned) { $0.double($1) }
    optional(q.raw) { $0.string($1) }
    optional(q.response) { $0.response($1) }
    double(q.seconds)
    optional(q.held) { $0.response($1) }
    optional(q.heldRaw) { $0.string($1) }
    optional(q.heldSeconds) { $0.double($1) }
  }
}

extension BinaryIn {
  mutating func response() throws(Malformed) -> Response {
    switch try byte() {
    case 0: return .choices(try array { (r) throws(Malformed) in try r.int() })
    case 1: return .text(try string())
    case 2: return .number(try double())
    case 3: return .order(try array { (r) throws(Malformed) in try r.int() })
    case 4: return .matches(try array { (r) throws(Malformed) in try r.int() })
    default: throw Malformed()
    }
  }

  mutating func summary() throws(Malformed) -> JournalSummary {
    var s = JournalSummary()
    s.courses = try map { (r) throws(Malformed) in try r.course() }
    s.eventCount = try int()
    s.firstActivity = try optional { (r) throws(Malformed) in try r.string() }
    s.lastActivity = try optional { (r) throws(Malformed) in try r.string() }
    s.totalSeconds = try double()
    s.previousEventMilliseconds = try optional { (r) throws(Malformed) in Int64(try r.int()) }
    s.reviewCards = try map { (r) throws(Malformed) in
      try r.map { (r) throws(Malformed) in try r.map { (r) throws(Malformed) in try r.reviewCard() } }
    }
    guard i == bytes.count else { throw Malformed() }
    return s
  }

  mutating func rating() throws(Malformed) -> ReviewRating {
    guard let rating = ReviewRating(rawValue: Int(try byte())) else { throw Malformed() }
    return rating
  }

  mutating func reviewCard() throws(Malformed) -> ReviewCardRecord {
    var c = ReviewCardRecord(course: try string(), lesson: try string(), question: try string())
    c.digest = try optional { (r) throws(Malformed) in try r.string() }
    c.introduction = try optional { (r) throws(Malformed) in
      ReviewCardRecord.Introduction(
        rating: try r.rating(), at: Int64(try r.int()), lessonAttempt: try r.int(),
        durationMs: try r.optional { (r) throws(Malformed) in Int64(try r.int()) })
    }
    c.reviews = try array { (r) throws(Malformed) in
      ReviewCardRecord.Review(
        rating: try r.rating(), at: Int64(try r.int()),
        durationMs: try r.optional { (r) throws(Malformed) in Int64(try r.int()) })
    }
    c.schedule = try optional { (r) throws(Malformed) in
      guard let state = ReviewCardState(rawValue: Int(try r.byte())) else { throw Malformed() }
      return ReviewCard(
        state: state, step: try r.optional { (r) throws(Malformed) in try r.int() },
        stability: try r.optional { (r) throws(Malformed) in try r.double() },
        difficulty: try r.optional { (r) throws(Malformed) in try r.double() }, due: Int64(try r.int()),
        lastReview: try r.optional { (r) throws(Malformed) in Int64(try r.int()) }, reps: try r.int(),
        lapses: try r.int())
    }
    c.pending = try optional { (r) throws(Malformed) in
      ReviewCardRecord.Pending(attempts: try r.int(), hints: try r.int())
    }
    return c
  }

  mutating func course() throws(Malformed) -> CourseRecord {
    var c = CourseRecord()
    c.lessons = try map { (r) throws(Malformed) in try r.lesson() }
    c.firstActivity = try optional { (r) throws(Malformed) in try r.string() }
    c.lastActivity = try optional { (r) throws(Malformed) in try r.string() }
    c.seconds = try double()
    return c
  }

  mutating func lesson() throws(Malformed) -> LessonRecord {
    var l = LessonRecord()
    l.attempt = try int()
    l.attemptCompleted = try bool()
    l.lessonDigest = try optional { (r) throws(Malformed) in try r.string() }
    l.questions = try map { (r) throws(Malformed) in try r.question() }
    l.position = try optional { (r) throws(Malformed) in
      Position(kind: try r.bool() ? .question : .page, itemID: try r.string(), finished: try r.bool())
    }
    l.completions = try array { (r) throws(Malformed) in
      LessonCompletion(
        attempt: try r.int(), score: try r.double(), passed: try r.bool(),
        seconds: try r.optional { (r) throws(Malformed) in try r.double() }, at: try r.string(),
        lessonDigest: try r.optional { (r) throws(Malformed) in try r.string() })
    }
    l.draws = try array { (r) throws(Malformed) in
      DrawRecord(
        attempt: try r.int(), questions: try r.array { (r) throws(Malformed) in try r.string() },
        seed: try r.optional { (r) throws(Malformed) in try r.uint() })
    }
    l.firstActivity = try optional { (r) throws(Malformed) in try r.string() }
    l.lastActivity = try optional { (r) throws(Malformed) in try r.string() }
    l.seconds = try double()
    return l
  }

  mutating func question() throws(Malformed) -> QuestionRecord {
    var q = QuestionRecord()
    q.digest = try optional { (r) throws(Malformed) in try r.string() }
    q.attemptsUsed = try int()
    q.hintsShown = try int()
    q.skipped = try bool()
    q.lastOutcome = try optional { (r) throws(Malformed) in try r.outcome() }
    q.bestOutcome = try optional { (r) throws(Malformed) in try r.outcome() }
    q.credit = try optional { (r) throws(Malformed) in try r.double() }
    q.earned = try optional { (r) throws(Malformed) in try r.double() }
    q.bestEarned = try optional { (r) throws(Malformed) in try r.double() }
    q.raw = try optional { (r) throws(Malformed) in try r.string() }
    q.response = try optional { (r) throws(Malformed) in try r.response() }
    q.seconds = try double()
    q.held = try optional { (r) throws(Malformed) in try r.response() }
    q.heldRaw = try optional { (r) throws(Malformed) in try r.string() }
    q.heldSeconds = try optional { (r) throws(Malformed) in try r.double() }
    return q
  }
}

extension JournalSummary {
  /// The summary in the checkpoint's compact binary form.
  public func binaryEncoded() -> [UInt8] {
    var out = BinaryOut()
    out.summary(self)
    return out.bytes
  }

  /// Reads `binaryEncoded()` output; nil when the bytes are not a summary.
  public init?(binary: [UInt8]) {
    var reader = BinaryIn(binary)
    guard let s = try? reader.summary() else { return nil }
    self = s
  }
}
