import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum LessonLoader {
  /// Loads every course under `root` (a lessons dir, or one course folder). Never throws, never crashes:
  /// problems become diagnostics; a course with errors is omitted from the library.
  public static func load(root: String) -> (library: LessonLibrary, diagnostics: [Diagnostic]) {
    let result = loadAll(root: root)
    let courses = result.courses.filter { !$0.hasErrors }.map(\.course)
    return (LessonLibrary(root: root, courses: courses), result.diagnostics)
  }

  /// Like `load(root:)`, through a snapshot kept in the cache folder (`$WORKSHOP_CACHE`, else
  /// `$XDG_CACHE_HOME/workshop`, else `~/.cache/workshop`) for commands that start often and only
  /// read lessons. The snapshot is used only while every file and folder it came from is unchanged
  /// (path, size, inode, modification and change times to the nanosecond); otherwise the lessons
  /// are loaded and the snapshot rewritten. A cache folder that cannot be written is skipped.
  /// `workshop lint` must not use this: it always reads the files.
  public static func loadCached(root: String) -> (library: LessonLibrary, diagnostics: [Diagnostic]) {
    loadCached(root: root, cacheDirectory: LibraryCache.directory())
  }

  /// `loadCached(root:)` with an explicit cache folder; nil loads without a cache.
  public static func loadCached(root: String, cacheDirectory: String?)
    -> (library: LessonLibrary, diagnostics: [Diagnostic])
  {
    guard let cacheDirectory else { return load(root: root) }
    let file = LibraryCache.file(for: root, in: cacheDirectory)
    if let cached = LibraryCache.readSnapshot(path: file, root: root) {
      // Files that had just changed when they were read are checked by content until the clock
      // has moved on; after that their timestamps suffice, and the snapshot drops the hashes.
      if cached.stamps.contains(where: \.hashIsRedundant) {
        var stamps = cached.stamps
        for i in stamps.indices where stamps[i].hashIsRedundant { stamps[i].contentHash = nil }
        LibraryCache.write(
          path: file, root: root, library: cached.library, diagnostics: cached.diagnostics,
          stamps: stamps)
      }
      return (cached.library, cached.diagnostics)
    }
    let result = loadAll(root: root)
    let courses = result.courses.filter { !$0.hasErrors }.map(\.course)
    let library = LessonLibrary(root: root, courses: courses)
    if let stamps = result.stamps {
      LibraryCache.write(
        path: file, root: root, library: library, diagnostics: result.diagnostics, stamps: stamps)
    }
    return (library, result.diagnostics)
  }

  /// A course as read, whether or not it has errors.
  struct LoadedCourse {
    var course: Course
    var hasErrors: Bool
    var questionBlocks: Int
    var lessonFiles: Int
    /// Where things were written, by lesson path, for lint's item-writing checks.
    var sites: [String: LessonSites] = [:]
    /// course.yaml's `source`: the file quotations are checked against, and where it is named.
    var source: (path: String, site: SourceSite)?
    var manifestPath = ""
  }

  struct LoadResult {
    var courses: [LoadedCourse]
    var diagnostics: [Diagnostic]
    /// Every folder listed and file read, or nil when one could not be stamped (the result is
    /// then not worth caching).
    var stamps: [FileStamp]? = nil
  }

  static func loadAll(root: String) -> LoadResult {
    var diagnostics: [Diagnostic] = []
    let rootSink = DiagnosticSink(path: root)
    let manager = FileManager.default
    guard let isDirectory = DurableFile.isFolder(root) else {
      rootSink.error(1, 1, "no such folder")
      return LoadResult(courses: [], diagnostics: rootSink.items)
    }
    guard isDirectory else {
      rootSink.error(1, 1, "not a folder (give a lessons folder or a course folder)")
      return LoadResult(courses: [], diagnostics: rootSink.items)
    }

    // Folders are stamped before they are looked into, so that a change made while loading is
    // seen next time.
    var stamps: [FileStamp] = []
    var stamped = true
    func stampFolder(_ path: String) {
      if let stamp = FileStamp.folder(path) { stamps.append(stamp) } else { stamped = false }
    }
    stampFolder(root)

    // Which folders are courses.
    var folders: [String] = []
    if manager.fileExists(atPath: join(root, "course.yaml")) {
      folders = [root]
    } else {
      let names: [String]
      do {
        names = try manager.contentsOfDirectory(atPath: root).sorted()
      } catch {
        rootSink.error(1, 1, "cannot list folder: \(ErrorText.describe(error))")
        return LoadResult(courses: [], diagnostics: rootSink.items)
      }
      for name in names where !name.hasPrefix(".") {
        let folder = join(root, name)
        guard DurableFile.isFolder(folder) == true else { continue }
        stampFolder(folder)
        if manager.fileExists(atPath: join(folder, "course.yaml")) {
          folders.append(folder)
        } else if access(folder, R_OK | X_OK) != 0 {
          // A course nobody can read must not pass as "no course here".
          rootSink.error(1, 1, "cannot read folder '\(name)': \(String(cString: strerror(errno)))")
        } else if let inside = try? manager.contentsOfDirectory(atPath: folder),
          inside.contains(where: { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" })
        {
          rootSink.warning(1, 1, "folder '\(name)' holds lessons but no course.yaml; it is skipped")
        }
      }
      if folders.isEmpty {
        rootSink.warning(1, 1, "no courses found (a course is a folder with a course.yaml)")
      }
    }
    diagnostics += rootSink.items

    // course.yaml files first (cheap), then every lesson of every course in parallel.
    var manifests: [CourseManifest] = []
    for folder in folders {
      let manifest = CourseManifest.read(folder: folder)
      if let stamp = manifest.stamp { stamps.append(stamp) } else { stamped = false }
      diagnostics += manifest.diagnostics
      manifests.append(manifest)
    }
    var jobs: [(course: Int, entry: LessonEntry)] = []
    for (index, manifest) in manifests.enumerated() {
      for entry in manifest.entries { jobs.append((index, entry)) }
    }
    let parsed = parallelMap(jobs) { job in
      LessonParser.parse(job.entry, coursePolicy: manifests[job.course].policy)
    }

    var courses: [LoadedCourse] = []
    var courseIDs: [String: String] = [:]
    var next = 0
    for manifest in manifests {
      let sink = DiagnosticSink(path: manifest.path)
      var hasErrors = manifest.hasErrors
      var lessons: [Lesson] = []
      var sites: [String: LessonSites] = [:]
      var lessonIDs: [String: String] = [:]
      var blocks = 0
      for entry in manifest.entries {
        let lesson = parsed[next]
        next += 1
        if let stamp = lesson.stamp { stamps.append(stamp) } else { stamped = false }
        diagnostics += lesson.diagnostics
        blocks += lesson.questionCount
        if lesson.hasErrors { hasErrors = true }
        if let id = lesson.id {
          if let other = lessonIDs[id] {
            diagnostics.append(
              Diagnostic(
                severity: .error, path: entry.path, line: lesson.idLine, column: lesson.idColumn,
                message: "duplicate lesson id '\(id)' (already used by \(other))"))
            hasErrors = true
            continue
          }
          lessonIDs[id] = entry.file
        }
        sites[entry.path] = lesson.sites
        if let value = lesson.lesson { lessons.append(value) }
      }
      if let id = manifest.id {
        if let other = courseIDs[id] {
          sink.error(
            manifest.idLine, manifest.idColumn, "duplicate course id '\(id)' (already used by \(other))")
          hasErrors = true
        } else {
          courseIDs[id] = manifest.path
        }
      }
      diagnostics += sink.items
      guard let id = manifest.id, let title = manifest.title else { continue }
      var course = Course(
        id: id, title: title, version: manifest.version, description: manifest.description,
        language: manifest.language, policy: manifest.policy, lessons: lessons,
        directory: manifest.folder, digest: "")
      course.digest = Digests.course(course)
      courses.append(
        LoadedCourse(course: course, hasErrors: hasErrors, questionBlocks: blocks,
          lessonFiles: manifest.entries.count, sites: sites, source: manifest.source,
          manifestPath: manifest.path))
    }
    return LoadResult(
      courses: courses, diagnostics: diagnostics.sortedByLocation(), stamps: stamped ? stamps : nil)
  }

  /// Runs `transform` over `items` on all cores, keeping the order.
  static func parallelMap<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
    guard items.count > 1 else { return items.map(transform) }
    let slots = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
    slots.initialize(repeating: nil)
    defer {
      slots.deinitialize()
      slots.deallocate()
    }
    withoutActuallyEscaping(transform) { transform in
      let shared = UncheckedBox((items, transform, slots))
      DispatchQueue.concurrentPerform(iterations: items.count) { index in
        // Each index is written by exactly one iteration, and nothing reads until all are done.
        let (items, transform, slots) = shared.value
        slots[index] = transform(items[index])
      }
    }
    return slots.map { $0! }
  }
}

/// Carries a value into `concurrentPerform`, whose iterations touch disjoint parts of it.
private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

func join(_ folder: String, _ name: String) -> String {
  folder.hasSuffix("/") ? folder + name : folder + "/" + name
}
