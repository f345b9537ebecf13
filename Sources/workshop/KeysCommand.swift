import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

/// `workshop keys generate|show`: the instructor's Ed25519 key for signing live-session records.
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "Create or show the instructor key that signs live-session records.",
    subcommands: [Generate.self, Show.self]
  )

  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "generate",
      abstract: "Create a new key: the private key (mode 0600) and the public key beside it (.pub).")

    @Option(name: .long, help: ArgumentHelp("Private key file (default: $WORKSHOP_KEY, else ~/.workshop/instructor.key).", valueName: "file"))
    var key: String?

    func run() throws {
      let path = key ?? InstructorKey.defaultPrivateKeyPath
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
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print the public key and key id.")

    @Option(name: .long, help: ArgumentHelp("Private key file.", valueName: "file"))
    var key: String?

    func run() throws {
      let path = key ?? InstructorKey.defaultPrivateKeyPath
      let k: InstructorKey
      do { k = try InstructorKey.load(privateKeyPath: path) } catch { throw ValidationError("\(error)") }
      print("Key id:     \(k.keyID)")
      print("Public key: \(k.publicKeyBase64)")
    }
  }
}
