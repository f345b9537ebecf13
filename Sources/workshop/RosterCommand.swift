import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopRecords

struct RosterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "roster",
    abstract: "Summarise many learners: completion, scores, verification and item analysis.",
    discussion: """
      Each PATH is a JSON record, a folder of JSON records, a learner's progress folder or a whole
      progress folder. Records are verified first; one that fails is listed and flagged but never
      counted. Statistics are defined in docs/records.md.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case table, csv, html
  }

  @Argument(help: ArgumentHelp("Records or progress folders.", valueName: "path"))
  var paths: [String]

  @OptionGroup var location: LocationOptions

  @Option(help: "table | csv (one row per learner × lesson) | html (a self-contained report).")
  var format: Format = .table

  @Option(help: ArgumentHelp("Write to this file (0600) instead of standard output.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("Also write the item analysis as CSV to this file.", valueName: "file"))
  var itemsOut: String?

  @Option(help: ArgumentHelp("Only this course (progress folders hold every course).", valueName: "id"))
  var course: String?

  @Flag(help: "Replace learners' names with stable pseudonyms.")
  var pseudonymize = false

  func run() throws {
    let library = LessonLoader.load(root: location.lessonsRoot).library
    let lookup = LessonLibraryLookup { [library] id in library.course(id: id) }
    var recordFiles: [String] = []
    var learners: [(store: ProgressStore, id: LearnerID, root: String)] = []
    for path in paths {
      guard let isDirectory = DurableFile.isFolder(path) else {
        CLIOutput.error("no such file or folder: \(path)")
        throw ExitCode(64)
      }
      guard isDirectory else {
        recordFiles.append(path)
        continue
      }
      let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
      if FileManager.default.fileExists(atPath: trimmed + "/journal.jsonl"),
        let id = try? LearnerID(validating: FilePath.lastComponent(trimmed))
      {
        let root = FilePath.parent(trimmed)
        learners.append((ProgressStore(root: root.isEmpty ? "." : root), id, root.isEmpty ? "." : root))
        continue
      }
      let store = ProgressStore(root: trimmed)
      let ids = store.learners()
      if !ids.isEmpty {
        learners += ids.map { (store, $0, trimmed) }
        continue
      }
      let names = (try? FileManager.default.contentsOfDirectory(atPath: trimmed)) ?? []
      recordFiles += names.filter { $0.hasSuffix(".json") }.sorted().map { trimmed + "/" + $0 }
    }

    var entries = RosterEntry.readRecords(recordFiles, library: lookup, grading: .engine)
    for (store, id, root) in learners {
      entries += journalEntries(store: store, id: id, progressRoot: root, library: library)
    }
    let roster = Roster.build(entries: entries, library: lookup, pseudonymize: pseudonymize)
    let text: String
    switch format {
    case .table: text = roster.table()
    case .csv: text = roster.learnersCSV(entries: entries, pseudonymize: pseudonymize)
    case .html: text = roster.html(generatedAt: JournalEvent.timestamp())
    }
    try CLIOutput.emit(text, to: out)
    if let itemsOut { try CLIOutput.emit(roster.itemsCSV(), to: itemsOut) }
  }

  func journalEntries(store: ProgressStore, id: LearnerID, progressRoot: String, library: LessonLibrary) -> [RosterEntry] {
    let source = store.directory(for: id)
    let events: [JournalEvent]
    do {
      let read = try JournalReader.read(path: store.journalPath(for: id))
      for w in read.warnings { CLIOutput.warn("\(id.rawValue): \(w)") }
      events = read.events
    } catch {
      return [RosterEntry(source: source, record: nil, verification: .unreadable("cannot read the journal: \(error)"))]
    }
    let identity: LearnerIdentity
    do {
      identity = try RecordSource.identity(store: store, id: id, progressRoot: progressRoot)
    } catch {
      return [RosterEntry(source: source, record: nil, verification: .unreadable(error.description))]
    }
    var courseIDs: [String] = []
    for e in events {
      if let c = e.course, !courseIDs.contains(c) { courseIDs.append(c) }
    }
    if let course { courseIDs = courseIDs.filter { $0 == course } }
    let now = JournalEvent.timestamp()
    return courseIDs.compactMap { courseID in
      guard let content = library.course(id: courseID) else {
        CLIOutput.warn("\(id.rawValue): course \(courseID) is not in \(location.lessonsRoot); left out")
        return nil
      }
      let record = RecordBuilder.build(
        events: events, course: content, learner: identity.record(pseudonymize: pseudonymize), generatedAt: now)
      return RosterEntry(source: source, record: record, verification: .fromJournal)
    }
  }
}

