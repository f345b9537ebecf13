import ArgumentParser
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer

/// `workshop keys generate|show`: the instructor's Ed25519 key for signing live-session records.
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "Create or show the instructor key that signs live-session records.",
    subcommands: [Generate.self, Show.self]
  )

  static var defaultPath: String {
    if let path = ProcessInfo.processInfo.environment["WORKSHOP_KEY"], !path.isEmpty { return path }
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".workshop/instructor.key")
  }

  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a new key: the private key (mode 0600) and the public key beside it (.pub).")

    @Option(name: .long, help: ArgumentHelp("Private key file (default: $WORKSHOP_KEY, else ~/.workshop/instructor.key).", valueName: "file"))
    var key: String?

    func run() throws {
      let path = key ?? KeysCommand.defaultPath
      let k = InstructorKey.generate()
      do {
        try k.write(privateKeyPath: path, publicKeyPath: path + ".pub")
      } catch {
        throw ValidationError("\(error)")
      }
      print("Private key: \(path) (keep it to yourself; mode 0600)")
      print("Public key:  \(path).pub — give this to whoever checks your records (workshop verify --key)")
      print("Key id:      \(k.keyID)")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the public key and key id.")

    @Option(name: .long, help: ArgumentHelp("Private key file.", valueName: "file"))
    var key: String?

    func run() throws {
      let path = key ?? KeysCommand.defaultPath
      let k: InstructorKey
      do { k = try InstructorKey.load(privateKeyPath: path) } catch { throw ValidationError("\(error)") }
      print("Key id:     \(k.keyID)")
      print("Public key: \(k.publicKeyBase64)")
    }
  }
}

/// `workshop verify` for live-session records: digest, Ed25519 signature (against `--key` when
/// given) and re-grading against the lessons. Exit status as for other records: 0 valid,
/// 1 tampered or wrongly signed, 64 unreadable.
enum LiveRecordVerification {
  static func isLiveRecord(_ data: Data) -> Bool { LiveRecordVerifier.isLiveRecord(data) }

  static func run(data: Data, file: String, key: String?, lessonsRoot: String) -> Int32 {
    var trusted: [String]?
    if let key {
      do { trusted = [try InstructorKey.loadPublicKey(key)] } catch {
        FileHandle.standardError.write(Data("workshop: \(error)\n".utf8))
        return 64
      }
    }
    let courseID = (try? JSONDecoder().decode(LiveRecord.self, from: data))?.course ?? ""
    let course = LessonLoader.load(root: lessonsRoot).library.course(id: courseID)
    let report = LiveRecordVerifier.verify(data, trusting: trusted, course: course, checker: EngineChecking())
    print((report.ok ? "valid: " : "TAMPERED: ") + file + " (live session record)")
    for p in report.problems { print("  - \(p)") }
    for n in report.notes { print("  note: \(n)") }
    return report.ok ? 0 : 1
  }
}
