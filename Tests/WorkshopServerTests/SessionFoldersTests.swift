import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopServer

/// Which session `workshop serve` resumes: decided from the log's facts, not from its text.
@Suite struct SessionFoldersTests {
  func open(_ folder: String) async throws -> LiveHost {
    let options = LiveHost.Options(
      course: Fixture.course(), directory: folder, key: nil)
    return try await LiveHost.open(options).host
  }

  @Test("the newest session that has not ended is resumed; an ended one is not")
  func unfinishedSession() async throws {
    let root = temporaryDirectory("folders")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let course = Fixture.course().id
    #expect(SessionFolders.unfinished(in: root, course: course) == nil)

    let older = root + "/\(course)-20260101t000000"
    let newer = root + "/\(course)-20260102t000000"
    let olderHost = try await open(older)
    await olderHost.stop()
    let newerHost = try await open(newer)
    #expect(SessionFolders.unfinished(in: root, course: course) == newer)

    _ = await newerHost.command(InstructorCommand(.end))
    await newerHost.stop()
    #expect(SessionFolders.unfinished(in: root, course: course) == older)
    // Another course's sessions, and a folder whose log is empty, are never picked.
    #expect(SessionFolders.unfinished(in: root, course: "other") == nil)
    try FileManager.default.createDirectory(atPath: root + "/\(course)-20260103t000000", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: root + "/\(course)-20260103t000000/session.jsonl", contents: Data())
    #expect(SessionFolders.unfinished(in: root, course: course) == older)
  }

}
