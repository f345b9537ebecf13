import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WorkshopEngine
import WorkshopRecords
@testable import WorkshopServer

func makeHost(
  settings: SessionSettings = SessionSettings(), limits: SessionLimits = SessionLimits(), dir: String? = nil,
  key: InstructorKey? = InstructorKey.generate(), issuer: IssuerProfile? = nil
) async throws -> LiveHost {
  let options = LiveHost.Options(
    course: Fixture.course(), settings: settings, limits: limits, directory: dir ?? temporaryDirectory(), key: key,
    issuer: issuer)
  return try await LiveHost.open(options).host
}

/// In-process tests of the HTTP face: requests go straight to the router.
@Suite struct LiveServerHTTPTests {
  @Test func theInstructorAPIWantsTheToken() async throws {
    let host = try await makeHost()
    let token = await host.instructorToken
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/host/state", method: .get) { response in
        #expect(response.status == .unauthorized)
      }
      try await client.execute(uri: "/api/host/state?token=\(token.dropLast())x", method: .get) { response in
        #expect(response.status == .unauthorized)
      }
      try await client.execute(uri: "/api/host/state?token=\(token)", method: .get) { response in
        #expect(response.status == .ok)
        let view = try JSONDecoder().decode(InstructorView.self, from: Data(buffer: response.body))
        #expect(view.course == "demo" && view.code == code)
      }
      try await client.execute(
        uri: "/api/host/state", method: .get, headers: [.authorization: "Bearer \(token)"]
      ) { response in #expect(response.status == .ok) }
    }
  }

  @Test func commandsArriveOverHTTP() async throws {
    let host = try await makeHost()
    let token = await host.instructorToken
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/host/command?token=\(token)", method: .post,
        body: ByteBuffer(string: #"{"command":"open-lesson","lesson":"basics"}"#)
      ) { response in #expect(response.status == .ok) }
      try await client.execute(
        uri: "/api/host/command?token=\(token)", method: .post,
        body: ByteBuffer(string: #"{"command":"open-lesson","lesson":"nope"}"#)
      ) { response in
        #expect(response.status == .conflict)
        #expect(String(buffer: response.body).contains("no lesson"))
      }
      try await client.execute(
        uri: "/api/host/command?token=\(token)", method: .post, body: ByteBuffer(string: "junk")
      ) { response in #expect(response.status == .badRequest) }
      try await client.execute(uri: "/api/host/command", method: .post,
        body: ByteBuffer(string: #"{"command":"end"}"#)
      ) { response in #expect(response.status == .unauthorized) }
    }
    #expect(await host.room.lessonID == "basics")
    #expect(await !host.room.ended)
  }

  @Test func theInstructorPageIsServedWithoutOutsideResources() async throws {
    let host = try await makeHost()
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.router) { client in
      try await client.execute(uri: "/host", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        let page = String(buffer: response.body)
        #expect(!page.contains("http://") && !page.contains("https://"), "no CDN or outside address")
        // A projectable join screen: the command learners type, with the code in large type.
        #expect(page.contains(#"id="lobby""#) && page.contains(#""workshop join " + location.host"#))
        #expect(page.contains(#"id="lobby-code""#) && page.contains(#"id="lobby-people""#))
      }
    }
  }
}
