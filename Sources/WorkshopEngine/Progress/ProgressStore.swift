#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `progress/` folder: one folder per learner with `profile.json`, `journal.jsonl`,
/// `checkpoint.json` and `lock`. Folders are 0700 and files 0600: progress is personal.
public struct ProgressStore: Sendable {
  public let root: String

  public init(root: String) {
    self.root = root
  }

  public func directory(for id: LearnerID) -> String {
    (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + id.rawValue
  }

  public func journalPath(for id: LearnerID) -> String { directory(for: id) + "/journal.jsonl" }
  public func checkpointPath(for id: LearnerID) -> String { directory(for: id) + "/checkpoint.json" }

  /// Learners with a folder holding a profile or a journal, sorted by id.
  public func learners() -> [LearnerID] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
    return names.compactMap { name -> LearnerID? in
      guard let id = try? LearnerID(validating: name) else { return nil }
      let dir = directory(for: id)
      guard DurableFile.fileSize(dir + "/profile.json") != nil || DurableFile.fileSize(dir + "/journal.jsonl") != nil
      else { return nil }
      return id
    }.sorted()
  }

  public func profile(_ id: LearnerID) -> LearnerProfile? {
    guard let bytes = try? DurableFile.readFile(directory(for: id) + "/profile.json") else { return nil }
    return try? JSONDecoder().decode(LearnerProfile.self, from: Data(bytes))
  }

  /// Creates the learner's folder and profile; returns the existing profile when the learner
  /// already has one (so "start as Ana" twice is harmless).
  public func createProfile(name: String) throws -> LearnerProfile {
    let trimmed = name.trimmed()
    if LearnerName.invisibleCharacterProblem(trimmed) != nil { throw LearnerError.unprintableName }
    guard let id = LearnerID.slug(fromName: trimmed) else { throw LearnerError.invalidName(name) }
    if let existing = profile(id) { return existing }
    try DurableFile.makeDirectory(directory(for: id), mode: 0o700)
    let profile = LearnerProfile(id: id, name: trimmed)
    try save(profile)
    return profile
  }

  /// Stores the learner's review settings in their profile (created when missing).
  public func saveReviewSettings(_ settings: ReviewSettings, for id: LearnerID) throws -> LearnerProfile {
    var profile = profile(id) ?? LearnerProfile(id: id, name: id.rawValue)
    profile.review = settings
    try DurableFile.makeDirectory(directory(for: id), mode: 0o700)
    try save(profile)
    return profile
  }

  private func save(_ profile: LearnerProfile) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    var data = Array(try encoder.encode(profile))
    data.append(0x0A)
    try DurableFile.writeAtomically(directory(for: profile.id) + "/profile.json", data)
  }

  /// Opens the learner's journal for writing, taking the learner's exclusive lock; throws
  /// `JournalError.locked` when another session holds it.
  public func openJournal(_ id: LearnerID) throws -> JournalWriter {
    try DurableFile.makeDirectory(directory(for: id), mode: 0o700)
    return try JournalWriter(learner: id, directory: directory(for: id))
  }

  /// Read-only: the fold of the learner's journal, from the checkpoint when it still matches.
  /// Never takes the lock. A learner without a journal has an empty summary.
  public func summary(_ id: LearnerID) throws -> (summary: JournalSummary, warnings: [String]) {
    let loaded = try LoadedJournal.load(journal: journalPath(for: id), checkpoint: checkpointPath(for: id))
    return (loaded.summary, loaded.warnings)
  }

  /// Like `summary`, with details about how it was loaded (for tests and diagnostics).
  public func loadSummary(_ id: LearnerID) throws -> SummaryLoad {
    let loaded = try LoadedJournal.load(journal: journalPath(for: id), checkpoint: checkpointPath(for: id))
    return SummaryLoad(
      summary: loaded.summary, warnings: loaded.warnings, usedCheckpoint: loaded.usedCheckpoint,
      replayedEvents: loaded.replayed, hashedPrefix: loaded.hashedPrefix)
  }

  /// Resolves what a user typed for `--learner`: an existing id, else the slug of a name.
  public func resolveLearner(_ text: String) -> LearnerID? {
    // The same test `learners()` applies, for this one folder: start-up reads no other learner.
    if let id = try? LearnerID(validating: text) {
      let dir = directory(for: id)
      if DurableFile.fileSize(dir + "/profile.json") != nil || DurableFile.fileSize(dir + "/journal.jsonl") != nil {
        return id
      }
    }
    return LearnerID.slug(fromName: text)
  }

  /// A returning learner by id or name, or a new profile for that name.
  public func openOrCreateProfile(_ text: String) throws -> LearnerProfile {
    if let id = resolveLearner(text), let existing = profile(id) { return existing }
    return try createProfile(name: text)
  }
}

public struct SummaryLoad: Sendable {
  public var summary: JournalSummary
  public var warnings: [String]
  /// Whether a valid checkpoint spared replaying the journal's start.
  public var usedCheckpoint: Bool
  /// Events decoded from the journal itself.
  public var replayedEvents: Int
  /// Whether the checkpoint was checked by reading and hashing the journal's prefix, because
  /// the file was no longer as the checkpoint left it.
  public var hashedPrefix: Bool
}
