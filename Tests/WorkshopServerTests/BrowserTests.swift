import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WorkshopEngine
@testable import WorkshopServer

/// The instructor's page in a real headless Chromium: the chart must follow the answers.
@Suite(.serialized) struct BrowserTests {
  static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// Loads the page, lets its scripts run, and returns the DOM as the browser has it then.
  static func dumpDOM(_ url: String) async throws -> String {
    let profile = temporaryDirectory("chromium")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium!)
    p.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--user-data-dir=\(profile)", "--virtual-time-budget=4000", "--dump-dom", url,
    ]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  static func counts(_ dom: String) -> [String: Int] {
    var result: [String: Int] = [:]
    let regex = try! Regex(#"data-label="([^"]*)" data-count="(\d+)""#)
    for m in dom.matches(of: regex) {
      if let label = m.output[1].substring, let n = m.output[2].substring.flatMap({ Int($0) }) {
        result[String(label)] = n
      }
    }
    return result
  }

  @Test(.enabled(if: chromium != nil, "Chromium is not installed (apt-get install chromium); browser test skipped"))
  func theChartUpdatesWhenAnswersArrive() async throws {
    let host = try await makeHost()
    let code = await host.joinCode
    let token = await host.instructorToken
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let port = client.port!
      let page = "http://127.0.0.1:\(port)/host?token=\(token)"
      var learners: [LiveClient] = []
      for name in ["Ana", "Bob", "Cy"] {
        let c = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
        c.send(LearnerRequest(type: .join, code: code, name: name))
        _ = await c.next { $0.type == .welcome }
        learners.append(c)
      }
      await host.command(InstructorCommand(.openLesson, lesson: "basics"))
      await host.command(InstructorCommand(.next))

      let before = try await Self.dumpDOM(page)
      #expect(before.contains("Ana") && before.contains("Bob"), "the page lists who joined")
      #expect(Self.counts(before) == ["A. Lyon": 0, "B. Paris": 0, "C. Nice": 0])
      #expect(before.contains("(0 of 3)"))

      for (c, input) in zip(learners, ["b", "b", "a"]) {
        c.send(LearnerRequest(type: .answer, submission: UUID().uuidString, question: "capital", input: input))
        _ = await c.next { $0.type == .ack }
      }
      let after = try await Self.dumpDOM(page)
      #expect(Self.counts(after) == ["A. Lyon": 1, "B. Paris": 2, "C. Nice": 0])
      #expect(after.contains("(3 of 3)"))
      #expect(after.contains(#"class="bar" style="width: 100%;""#) || after.contains(#"class="bar right" style="width: 100%;""#))

      // Without the token the page shows no session data.
      let stranger = try await Self.dumpDOM("http://127.0.0.1:\(port)/host")
      #expect(Self.counts(stranger).isEmpty && !stranger.contains("Ana"))
      #expect(stranger.contains("needs the instructor token"))
    }
  }
}
