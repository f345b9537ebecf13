import Foundation
import WorkshopEngine

/// Where sessions live: one folder per session under the sessions root, named after the course
/// and the time it started, holding `session.jsonl` and, at the end, the roster and records.
public enum SessionFolders {
  /// A new session folder for `course`, stamped with the current time.
  public static func fresh(in root: String, course: String) -> String {
    let stamp = JournalEvent.timestamp().prefix(19).replacingOccurrences(of: ":", with: "")
      .replacingOccurrences(of: "-", with: "")
    return (root as NSString).appendingPathComponent("\(course)-\(stamp)".lowercased())
  }

  /// The newest session of `course` that has not ended: its log has facts, and none of them is
  /// the `ended` fact. `LiveHost.open` resumes such a folder where it stopped.
  public static func unfinished(in root: String, course: String) -> String? {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
      .filter { $0.hasPrefix(course + "-") }.sorted()
    for name in names.reversed() {
      let folder = (root as NSString).appendingPathComponent(name)
      let facts = SessionLog.readFacts(path: (folder as NSString).appendingPathComponent("session.jsonl"))
      if !facts.isEmpty, !facts.contains(where: { $0.kind == .ended }) { return folder }
    }
    return nil
  }
}

extension SessionLog {
  /// The complete facts of the log at `path`, read without opening it for writing (so a torn
  /// tail is left for `open` to deal with); empty when there is no log.
  static func readFacts(path: String) -> [SessionFact] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let decoder = JSONDecoder()
    return data.split(separator: 0x0A, omittingEmptySubsequences: true).compactMap {
      try? decoder.decode(SessionFact.self, from: Data($0))
    }
  }
}
