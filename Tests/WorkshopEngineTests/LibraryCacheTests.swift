import Foundation
import Testing

@testable import WorkshopEngine

@Suite struct LibraryCacheTests {
  private let lesson = """
    ---
    id: lesson
    title: Lesson
    ---

    ## Page

    Text.

    ```question
    id: q1
    type: truefalse
    prompt: Is it?
    answer: true
    explanation: Because.
    feedback: {false: "No."}
    ```

    """

  private func course(_ folder: borrowing TemporaryFolder) throws -> String {
    try folder.write("lessons/course-a/course.yaml", "id: course-a\ntitle: A\nlessons: [01-lesson.md]\n")
    try folder.write("lessons/course-a/01-lesson.md", lesson)
    return folder.path + "/lessons"
  }

  private func cacheFile(_ root: String, _ cache: String) -> String {
    LibraryCache.file(for: root, in: cache)
  }

  private func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }

  private func titles(_ library: LessonLibrary) -> [String] {
    library.courses.flatMap { $0.lessons.flatMap { $0.questions.map(\.prompt) } }
  }

  @Test func aValidCacheIsUsedAndMatchesAFreshLoad() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/cache/workshop"
    let first = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    let file = cacheFile(root, cache)
    let cached = try #require(LibraryCache.read(path: file, root: root), "the cache was not written or not valid")
    let fresh = LessonLoader.load(root: root)
    #expect(cached.0.courses == fresh.library.courses)
    #expect(cached.1 == fresh.diagnostics)
    #expect(first.library.courses == fresh.library.courses)
    let again = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(again.library.courses == fresh.library.courses)
    #expect(again.library.root == root)
  }

  @Test func diagnosticsAndBrokenCoursesAreCachedToo() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    try folder.write("lessons/course-a/02-extra.md", lesson)
    let cache = folder.path + "/cache"
    let first = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(first.diagnostics.contains { $0.message.contains("not listed in course.yaml") })
    let cached = try #require(LibraryCache.read(path: cacheFile(root, cache), root: root))
    #expect(cached.1 == first.diagnostics)
    #expect(cached.0.courses.isEmpty)
  }

  @Test func aSameSizeEditIsSeen() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/cache"
    _ = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    let path = root + "/course-a/01-lesson.md"
    let original = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    // Same length, same modification time: only the content (and the change time) differ.
    try folder.write("lessons/course-a/01-lesson.md", lesson.replacingOccurrences(of: "Is it?", with: "Is so?"))
    try FileManager.default.setAttributes([.modificationDate: original], ofItemAtPath: path)
    #expect(LibraryCache.read(path: cacheFile(root, cache), root: root) == nil)
    let reloaded = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(titles(reloaded.library) == ["Is so?"])
    #expect(titles(LessonLoader.loadCached(root: root, cacheDirectory: cache).library) == ["Is so?"])
  }

  @Test func aRecentChangeIsCheckedByContent() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/cache"
    _ = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    // Timestamps may not move within one clock tick; the stamp of a file written moments ago
    // holds its hash, which a rewrite with other bytes no longer matches.
    let file = cacheFile(root, cache)
    var input = BinaryIn(Array(try #require(FileManager.default.contents(atPath: file))))
    input.i = LibraryCache.magic.count
    _ = try input.string()
    _ = try input.string()
    let stamps = try input.array { (i) throws(BinaryIn.Malformed) in try i.stamp() }
    let lessonStamp = try #require(stamps.first { $0.path.hasSuffix("01-lesson.md") })
    #expect(lessonStamp.contentHash != nil)
    #expect(lessonStamp.isCurrent())
  }

  @Test func contentHashesAreDroppedOnceTheClockHasMovedOn() {
    let now = Int64(Date().timeIntervalSince1970 * 1e9)
    func stamp(changedAgo seconds: Double) -> FileStamp {
      let at = now - Int64(seconds * 1e9)
      return FileStamp(
        path: "x", isDirectory: false, device: 1, inode: 2, size: 3, modified: at, changed: at,
        contentHash: Array(repeating: 0, count: 32))
    }
    #expect(stamp(changedAgo: 60).hashIsRedundant)
    #expect(!stamp(changedAgo: 0.1).hashIsRedundant)
    var plain = stamp(changedAgo: 60)
    plain.contentHash = nil
    #expect(!plain.hashIsRedundant)
  }

  @Test func addedFilesAndCoursesAreSeen() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/cache"
    #expect(LessonLoader.loadCached(root: root, cacheDirectory: cache).library.courses.count == 1)
    try folder.write("lessons/course-b/course.yaml", "id: course-b\ntitle: B\nlessons: [01-lesson.md]\n")
    try folder.write("lessons/course-b/01-lesson.md", lesson)
    let reloaded = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(reloaded.library.courses.map(\.id) == ["course-a", "course-b"])
    try folder.write("lessons/course-b/02-unlisted.md", lesson)
    let again = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(again.diagnostics.contains { $0.path.hasSuffix("02-unlisted.md") })
  }

  @Test func aCorruptCacheIsIgnoredAndReplaced() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/cache"
    let fresh = LessonLoader.load(root: root)
    _ = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    let file = cacheFile(root, cache)
    var bytes = Array(try #require(FileManager.default.contents(atPath: file)))
    // A flipped byte, a torn file, and plain garbage.
    for damaged in [
      { var b = bytes; b[b.count / 2] ^= 0x40; return b }(), Array(bytes.prefix(bytes.count / 2)),
      Array(repeating: 0xFF, count: 64), [],
    ] {
      try Data(damaged).write(to: URL(fileURLWithPath: file))
      #expect(LibraryCache.read(path: file, root: root) == nil)
      let loaded = LessonLoader.loadCached(root: root, cacheDirectory: cache)
      #expect(loaded.library.courses == fresh.library.courses)
      #expect(LibraryCache.read(path: file, root: root) != nil, "rewritten after the damage")
    }
    bytes = Array(try #require(FileManager.default.contents(atPath: file)))
    #expect(bytes.starts(with: LibraryCache.magic))
  }

  @Test func cacheFilesArePrivate() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    let cache = folder.path + "/deep/cache/workshop"
    _ = LessonLoader.loadCached(root: root, cacheDirectory: cache)
    #expect(try mode(cacheFile(root, cache)) & 0o777 == 0o600)
    #expect(try mode(cache) & 0o777 == 0o700)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache)
    #expect(leftovers.count == 1, "no temporary files left: \(leftovers)")
  }

  @Test func anUnwritableCacheFolderIsSkipped() throws {
    let folder = try TemporaryFolder()
    let root = try course(folder)
    try folder.write("not-a-folder", "x")
    let fresh = LessonLoader.load(root: root)
    let loaded = LessonLoader.loadCached(root: root, cacheDirectory: folder.path + "/not-a-folder/cache")
    #expect(loaded.library.courses == fresh.library.courses)
    #expect(loaded.diagnostics == fresh.diagnostics)
  }

  @Test func theCacheFolderFollowsTheEnvironment() {
    #expect(LibraryCache.directory(environment: ["WORKSHOP_CACHE": "/c", "HOME": "/h"]) == "/c")
    #expect(LibraryCache.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/workshop")
    #expect(LibraryCache.directory(environment: ["HOME": "/h"]) == "/h/.cache/workshop")
    #expect(LibraryCache.directory(environment: [:]) == nil)
  }

  @Test func differentRootsUseDifferentFiles() {
    #expect(LibraryCache.file(for: "/a/lessons", in: "/c") != LibraryCache.file(for: "/b/lessons", in: "/c"))
    #expect(LibraryCache.file(for: "lessons", in: "/c") != LibraryCache.file(for: "./lessons", in: "/c"))
  }
}
