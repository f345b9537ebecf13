#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Turning a progress folder's journals into completion records: what export, roster and sync
/// all start from.
public enum ProgressRecords {
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
  }

  /// Loads only the course's own folder when it is named after the course, which is the usual
  /// layout and spares parsing every other course.
  public static func loadCourse(_ id: String, lessonsRoot: String) -> Course? {
    let root = lessonsRoot.hasSuffix("/") ? String(lessonsRoot.dropLast()) : lessonsRoot
    let folder = root + "/" + id
    if FileManager.default.fileExists(atPath: folder + "/course.yaml"),
      let course = LessonLoader.load(root: folder).library.course(id: id)
    {
      return course
    }
    return LessonLoader.load(root: root).library.course(id: id)
  }

  /// The learner named by `text` (a name or an id) when the folder has a profile or journal for them.
  public static func learner(_ text: String, in store: ProgressStore) -> LearnerID? {
    guard let id = store.resolveLearner(text),
      store.profile(id) != nil || FileManager.default.fileExists(atPath: store.journalPath(for: id))
    else { return nil }
    return id
  }

  public static func identity(store: ProgressStore, id: LearnerID, progressRoot: String) throws(Failure)
    -> LearnerIdentity
  {
    let salt: String
    do {
      salt = try RecordFiles.salt(progressRoot: progressRoot)
    } catch {
      throw Failure(error.description)
    }
    return LearnerIdentity(
      opaqueID: LearnerIdentity.opaqueID(salt: salt, learner: id.rawValue),
      displayName: store.profile(id)?.name ?? id.rawValue)
  }

  /// The learner's record for the course, built from their journal as it is now. Warnings are
  /// the journal reader's (a torn last line, say), for the caller to show.
  public static func build(
    store: ProgressStore, id: LearnerID, course: Course, progressRoot: String, pseudonymize: Bool
  ) throws(Failure) -> (record: CompletionRecord, warnings: [String]) {
    let identity = try identity(store: store, id: id, progressRoot: progressRoot)
    let read: (events: [JournalEvent], warnings: [String])
    do {
      read = try JournalReader.read(path: store.journalPath(for: id))
    } catch {
      throw Failure("cannot read the journal of \(id.rawValue): \(error)")
    }
    let record = RecordBuilder.build(
      events: read.events, course: course, learner: identity.record(pseudonymize: pseudonymize),
      generatedAt: JournalEvent.timestamp())
    return (record, read.warnings)
  }
}
