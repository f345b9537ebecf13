import Foundation

/// The token of the seat this learner holds in a session, so a new `workshop join` resumes it.
struct SavedSeat: Codable {
  var address: String
  var code: String
  var token: String
  var session: String?

  static func path(_ folder: String) -> String { (folder as NSString).appendingPathComponent("live-session.json") }

  static func load(folder: String) -> SavedSeat? {
    guard let data = FileManager.default.contents(atPath: path(folder)) else { return nil }
    return try? JSONDecoder().decode(SavedSeat.self, from: data)
  }

  func save(folder: String) {
    try? FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    guard let data = try? JSONEncoder().encode(self) else { return }
    _ = FileManager.default.createFile(atPath: Self.path(folder), contents: data, attributes: [.posixPermissions: 0o600])
  }
}
