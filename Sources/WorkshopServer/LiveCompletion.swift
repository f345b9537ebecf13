import Foundation
import WorkshopEngine
import WorkshopRecords

/// A participant's completion record: the standard `workshop-completion-record`, built by
/// `RecordBuilder` from journal events derived from the session's facts, so that a live session
/// and a lesson taken alone give the same kind of record, verified the same way.
///
/// Derivation is deterministic (event ids are name-based UUIDs of the session, the participant
/// and the fact's place), so a session replayed after a restart yields the same record.
public enum LiveCompletion {
  /// The course as the session ran it: every lesson's policy with the instructor's file laid
  /// over it. The record carries these policies; its signature vouches for them.
  public static func course(of room: Classroom) -> Course {
    var course = room.course
    course.policy = room.settings.policy(over: course.policy)
    for i in course.lessons.indices {
      course.lessons[i].policy = room.policy(for: room.course.lessons[i])
    }
    return course
  }

  /// The journal events that describe one participant's part in the session, ending each lesson
  /// with `lesson-completed` when the session has ended.
  public static func events(for pid: String, in room: Classroom) -> [JournalEvent] {
    guard let p = room.participants[pid] else { return [] }
    let end = room.endedAt ?? room.createdAt
    var n = 0
    func id() -> String {
      n += 1
      return NameUUID.make("live-event", room.sessionID, pid, String(n))
    }
    func at(_ ms: Int64) -> String { Timestamp.format(milliseconds: ms) }
    var events: [JournalEvent] = []
    for (lesson, questions) in room.scoredQuestions() {
      let policy = room.policy(for: lesson)
      let opened = max(room.lessonOpenedAt[lesson.id] ?? room.createdAt, p.joinedAt)
      let asked = questions.map(\.id)
      events.append(
        JournalEvent(
          id: id(), at: at(opened), kind: .lessonStarted, course: room.course.id, lesson: lesson.id,
          lessonDigest: lesson.digest))
      // An instructor who did not open every question asked a subset: recorded as a draw, so
      // the record's `asked` is what the room was actually asked.
      if asked != lesson.questions.map(\.id) {
        events.append(
          JournalEvent(
            id: id(), at: at(opened), kind: .questionsDrawn, course: room.course.id, lesson: lesson.id,
            questions: asked, seed: 0))
      }
      // Folded as the room folded them, so the journal says what the room decided.
      var standings: [String: QuestionStanding] = [:]
      for fact in p.history where fact.lesson == lesson.id {
        guard let qid = fact.question, let q = lesson.question(id: qid), asked.contains(qid) else { continue }
        switch fact.kind {
        case .answered:
          standings[qid, default: QuestionStanding()]
            .recordAnswer(outcome: fact.outcome ?? .wrong, response: fact.response, earned: fact.earned ?? 0)
          events.append(
            JournalEvent(
              id: id(), at: at(fact.at), kind: .answerSubmitted, course: room.course.id, lesson: lesson.id,
              question: qid, questionDigest: fact.questionDigest ?? q.digest, raw: fact.raw,
              response: fact.response, outcome: fact.outcome, credit: fact.credit, earned: fact.earned,
              attempt: fact.attempt, seconds: fact.ms.map { Double($0) / 1000 } ?? 0))
        case .hintShown:
          standings[qid, default: QuestionStanding()].recordHint(number: fact.hint ?? 1)
          events.append(
            JournalEvent(
              id: id(), at: at(fact.at), kind: .hintShown, course: room.course.id, lesson: lesson.id,
              question: qid, questionDigest: q.digest, hint: fact.hint ?? 1))
        case .skipped:
          // A log written before skips followed `QuestionStep` may skip a question already done.
          guard !standings[qid, default: QuestionStanding()].isDone(policy: policy) else { continue }
          standings[qid, default: QuestionStanding()].recordSkip()
          events.append(
            JournalEvent(
              id: id(), at: at(fact.at), kind: .questionSkipped, course: room.course.id, lesson: lesson.id,
              question: qid, questionDigest: q.digest))
        default: continue
        }
      }
      guard room.ended else { continue }
      // A question the room was asked but this learner left unanswered counts as skipped.
      for q in questions where (standings[q.id]?.attempts ?? 0) == 0 && standings[q.id]?.skipped != true {
        events.append(
          JournalEvent(
            id: id(), at: at(end), kind: .questionSkipped, course: room.course.id, lesson: lesson.id,
            question: q.id, questionDigest: q.digest))
      }
      let score = Scoring.lessonScore(
        earned: questions.map { standings[$0.id]?.earned ?? 0 }, possible: questions.map(\.points),
        passMark: policy.passMark)
      events.append(
        JournalEvent(
          id: id(), at: at(end), kind: .lessonCompleted, course: room.course.id, lesson: lesson.id,
          lessonDigest: lesson.digest, seconds: Double(max(0, end - opened)) / 1000, score: score.share,
          passed: score.passed))
    }
    return events
  }

  /// The participant's record as the room stands; signed when a key is given.
  public static func record(for pid: String, in room: Classroom, key: InstructorKey? = nil) -> WorkshopRecords.CompletionRecord? {
    guard let p = room.participants[pid] else { return nil }
    let learner = WorkshopRecords.CompletionRecord.Learner(
      id: String(RecordHash.sha256Hex("workshop-live\u{1F}" + room.sessionID + "\u{1F}" + pid).prefix(32)),
      name: p.name)
    var record = RecordBuilder.build(
      events: events(for: pid, in: room), course: course(of: room), learner: learner,
      generatedAt: Timestamp.format(milliseconds: room.endedAt ?? room.createdAt))
    if let key { record.sign(with: key) }
    return record
  }

  /// Points earned and possible over the questions asked, and whether every lesson run passed:
  /// the figures the end-of-session message and the roster show.
  public static func totals(for pid: String, in room: Classroom) -> (earned: Double, possible: Double, score: Double, passed: Bool) {
    let lessons = room.scoredQuestions().map { lesson, questions in
      Scoring.lessonScore(
        earned: questions.map {
          room.participants[pid]?.standing(Classroom.key(lesson: lesson.id, question: $0.id)).earned ?? 0
        },
        possible: questions.map(\.points), passMark: room.policy(for: lesson).passMark)
    }
    let session = Scoring.sessionScore(lessons)
    return (session.earned, session.possible, session.share, session.passed)
  }
}
