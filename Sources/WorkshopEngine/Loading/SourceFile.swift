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

/// A text file of a lesson pack, read and checked once: size, UTF-8, and characters that could
/// take over a terminal.
struct SourceFile {
  static let maximumSize = 1 << 20

  let path: String
  /// The file's bytes (a leading byte-order mark removed).
  let bytes: [UInt8]
  /// Byte offset where each line starts; `lineStarts[0] == 0`. One extra entry marks the end.
  let lineStarts: [Int]
  /// Whether the text holds `&#`, so Markdown could decode a character reference into a control
  /// character that the byte scan cannot see.
  let hasCharacterReferences: Bool
  /// What the file looked like when it was read, for the library cache.
  var stamp: FileStamp?

  var lineCount: Int { lineStarts.count - 1 }

  /// Reads and scans a file. Problems go to `sink`; returns nil when the file cannot be used at all
  /// (missing, unreadable, too large, not UTF-8).
  static func read(path: String, sink: DiagnosticSink) -> SourceFile? {
    var info = stat()
    guard let raw = readBytes(path: path, sink: sink, info: &info) else { return nil }
    var file = scan(path: path, bytes: raw, sink: sink)
    file?.stamp = FileStamp(path: path, info: info) { raw }
    return file
  }

  private static func readBytes(path: String, sink: DiagnosticSink, info: inout stat) -> [UInt8]? {
    if let outside = linkOutsideFolder(path) {
      // Nothing of a file outside the pack is read, so no diagnostic can quote it.
      sink.error(1, 1, "is a link to \(outside), outside the course folder; copy the file into the course instead")
      return nil
    }
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. The
    // type is checked on the descriptor before any read.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      sink.error(1, 1, "cannot read file: \(reason)")
      return nil
    }
    defer { close(fd) }
    guard fstat(fd, &info) == 0 else {
      sink.error(1, 1, "cannot read file: \(String(cString: strerror(errno)))")
      return nil
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      sink.error(1, 1, "not a regular file (\(DurableFile.kindDescription(info.st_mode))); lesson files must be plain files")
      return nil
    }
    let size = Int(info.st_size)
    guard size <= maximumSize else {
      sink.error(1, 1, "file is \(size) bytes; files may be at most 1 MiB (\(maximumSize) bytes)")
      return nil
    }
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      var done = 0
      while done < size {
        #if canImport(Glibc)
        let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
        #elseif canImport(Musl)
        let n = Musl.read(fd, buffer.baseAddress! + done, size - done)
        #else
        let n = Darwin.read(fd, buffer.baseAddress! + done, size - done)
        #endif
        if n < 0 {
          if errno == EINTR { continue }
          failed = true
          break
        }
        if n == 0 { break }
        done += n
      }
      count = done
    }
    if failed {
      sink.error(1, 1, "cannot read file: \(String(cString: strerror(errno)))")
      return nil
    }
    return bytes
  }

  /// Where `path` leads when it is a symbolic link resolving outside its own folder; nil for a
  /// plain file or a link that stays inside (a pack may link its own files to each other).
  static func linkOutsideFolder(_ path: String) -> String? {
    var st = stat()
    guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return nil }
    let folder = FilePath.parent(path)
    guard let target = realpath(path, nil) else { return nil }  // dangling: reported as missing
    defer { free(target) }
    guard let base = realpath(folder.isEmpty ? "." : folder, nil) else { return nil }
    defer { free(base) }
    let resolved = String(cString: target)
    let root = String(cString: base)
    return resolved.hasPrefix(root == "/" ? "/" : root + "/") ? nil : resolved
  }

  /// One pass over the bytes: validates UTF-8, finds line starts, and reports control characters
  /// and ANSI escape sequences at their exact line and column.
  static func scan(path: String, bytes input: [UInt8], sink: DiagnosticSink) -> SourceFile? {
    var bytes = input
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      bytes.removeFirst(3)
    }
    var lineStarts = [0]
    lineStarts.reserveCapacity(bytes.count / 32 + 2)
    var references = false
    var reported = 0
    let n = bytes.count
    let ok = bytes.withUnsafeBufferPointer { u -> Bool in
      var line = 1
      var lineStart = 0
      var i = 0

      func column(_ at: Int) -> Int {
        var c = 1
        var k = lineStart
        while k < at {
          if u[k] & 0xC0 != 0x80 { c += 1 }
          k += 1
        }
        return c
      }
      func report(_ at: Int, _ message: String) {
        reported += 1
        if reported <= 50 {
          sink.error(line, column(at), message)
        } else if reported == 51 {
          sink.error(line, column(at), "more control characters follow; not reported")
        }
      }

      while i < n {
        let b = u[i]
        if b < 0x80 {
          if b >= 0x20 && b != 0x7F {
            if b == 0x26 && i + 1 < n && u[i + 1] == 0x23 { references = true }
            i += 1
            continue
          }
          switch b {
          case 0x0A:
            line += 1
            lineStart = i + 1
            lineStarts.append(lineStart)
            i += 1
          case 0x09:
            i += 1
          case 0x0D where i + 1 < n && u[i + 1] == 0x0A:
            // Windows line endings are harmless.
            i += 1
          case 0x1B:
            let end = ansiSequenceEnd(u, from: i)
            if end > i + 1 {
              report(i, "ANSI escape sequence in content")
              i = end
            } else {
              report(i, "control character U+001B (escape) in content")
              i += 1
            }
          default:
            report(i, "control character \(codePoint(UInt32(b))) in content")
            i += 1
          }
          continue
        }
        // Multi-byte UTF-8: validate length, continuation bytes, overlongs and surrogates.
        var length = 0
        var scalar: UInt32 = 0
        if b & 0xE0 == 0xC0 {
          length = 2
          scalar = UInt32(b & 0x1F)
        } else if b & 0xF0 == 0xE0 {
          length = 3
          scalar = UInt32(b & 0x0F)
        } else if b & 0xF8 == 0xF0 {
          length = 4
          scalar = UInt32(b & 0x07)
        }
        var valid = length > 0 && i + length <= n
        if valid {
          for k in 1..<length {
            let c = u[i + k]
            if c & 0xC0 != 0x80 {
              valid = false
              break
            }
            scalar = scalar << 6 | UInt32(c & 0x3F)
          }
        }
        if valid {
          switch length {
          case 2: valid = scalar >= 0x80
          case 3: valid = scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)
          default: valid = scalar >= 0x10000 && scalar <= 0x10FFFF
          }
        }
        guard valid else {
          sink.error(line, column(i), "file is not valid UTF-8 (bad byte 0x\(hex(b)))")
          return false
        }
        if length == 2 && scalar <= 0x9F {
          if scalar == 0x9B {
            report(i, "ANSI escape sequence (CSI U+009B) in content")
          } else {
            report(i, "control character \(codePoint(scalar)) in content")
          }
        }
        if length == 3, isDirectionOverride(scalar) {
          report(i, directionOverrideMessage(scalar))
        }
        i += length
      }
      return true
    }
    guard ok else { return nil }
    if lineStarts.last != n { lineStarts.append(n) }
    return SourceFile(
      path: path, bytes: bytes, lineStarts: lineStarts, hasCharacterReferences: references)
  }

  /// End of an ANSI sequence starting with ESC at `i` (CSI, OSC or a two-byte escape), or `i + 1`
  /// when ESC is not followed by anything a terminal would act on.
  private static func ansiSequenceEnd(_ u: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
    let n = u.count
    guard i + 1 < n else { return i + 1 }
    let next = u[i + 1]
    if next == 0x5B {  // CSI: ESC [ parameters final-byte
      var k = i + 2
      while k < n, (0x20...0x3F).contains(u[k]) { k += 1 }
      return k < n && (0x40...0x7E).contains(u[k]) ? k + 1 : k
    }
    if next == 0x5D {  // OSC: ESC ] ... BEL or ESC \
      var k = i + 2
      while k < n, u[k] != 0x07, u[k] != 0x1B, u[k] != 0x0A { k += 1 }
      return k < n && u[k] == 0x07 ? k + 1 : k
    }
    if (0x40...0x5F).contains(next) || next == 0x63 { return i + 2 }
    return i + 1
  }

  /// 1-based line (clamped) to the byte range of that line, newline excluded.
  func lineRange(_ line: Int) -> Range<Int> {
    let index = min(max(line, 1), lineCount) - 1
    guard index >= 0 else { return 0..<0 }
    var end = lineStarts[index + 1]
    if end > lineStarts[index], bytes[end - 1] == 0x0A { end -= 1 }
    if end > lineStarts[index], bytes[end - 1] == 0x0D { end -= 1 }
    return lineStarts[index]..<end
  }

  /// The text of lines `first...last` (1-based), trailing blank lines dropped.
  func text(lines first: Int, through last: Int) -> String {
    guard first <= last, first >= 1, lineCount > 0 else { return "" }
    let start = lineStarts[min(first, lineCount) - 1]
    var end = lineStarts[min(last, lineCount)]
    while end > start {
      let b = bytes[end - 1]
      if b == 0x0A || b == 0x0D || b == 0x20 || b == 0x09 { end -= 1 } else { break }
    }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// Whether the line holds only whitespace.
  func isBlank(line: Int) -> Bool {
    lineRange(line).allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 }
  }

  /// Line and column of a byte offset.
  func location(ofByte offset: Int) -> (line: Int, column: Int) {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    var column = 1
    var k = lineStarts[lo]
    while k < offset && k < bytes.count {
      if bytes[k] & 0xC0 != 0x80 { column += 1 }
      k += 1
    }
    return (lo + 1, column)
  }
}

/// Lines of lesson files, each file read once, for quoting beside the diagnostics that point
/// into them. Lines are counted as the loader counts them (a byte-order mark dropped, `\r\n`
/// ending a line), so a diagnostic's line number finds the line it was reported on.
public struct SourceLines {
  private var files: [String: SourceFile?] = [:]

  public init() {}

  /// The text of 1-based line `number` of the file at `path`, without its line ending; nil when
  /// the file cannot be read or has no such line.
  public mutating func line(_ number: Int, of path: String) -> String? {
    let file: SourceFile?
    if let cached = files[path] {
      file = cached
    } else {
      // Problems with the file were reported when it was linted; here they only mean no quote.
      file = SourceFile.read(path: path, sink: DiagnosticSink(path: path))
      files[path] = .some(file)
    }
    guard let file, number >= 1, number <= file.lineCount else { return nil }
    return String(decoding: file.bytes[file.lineRange(number)], as: UTF8.self)
  }
}

func codePoint(_ value: UInt32) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

private func hex(_ b: UInt8) -> String {
  let digits = String(b, radix: 16, uppercase: true)
  return digits.count == 1 ? "0" + digits : digits
}

/// Finds control characters in text that did not come straight from the file (YAML escapes such
/// as `"\e[31m"`, Markdown character references). Returns the first offending scalar's offset in
/// scalars and a description.
func firstControlCharacter(in text: String) -> (offset: Int, message: String)? {
  var offset = 0
  var previousWasCR = false
  var found: (Int, UInt32)?
  for scalar in text.unicodeScalars {
    let v = scalar.value
    if v < 0x20 || (0x7F...0x9F).contains(v) {
      if v == 0x0A || v == 0x09 {
        previousWasCR = false
      } else if v == 0x0D {
        previousWasCR = true
      } else {
        found = (offset, v)
        break
      }
    } else {
      if previousWasCR {
        found = (offset - 1, 0x0D)
        break
      }
      if isDirectionOverride(v) {
        found = (offset, v)
        break
      }
    }
    offset += 1
  }
  if found == nil && previousWasCR { found = (offset - 1, 0x0D) }
  guard let (at, v) = found else { return nil }
  if v == 0x1B || v == 0x9B { return (at, "ANSI escape sequence in content") }
  if isDirectionOverride(v) { return (at, directionOverrideMessage(v)) }
  return (at, "control character \(codePoint(v)) in content")
}

/// Bidirectional embeddings, overrides and isolates: invisible, they make text display in an
/// order other than the one it has ("Trojan Source").
func isDirectionOverride(_ v: UInt32) -> Bool {
  (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
}

func directionOverrideMessage(_ v: UInt32) -> String {
  "direction override \(codePoint(v)) in content (it makes text display in another order than it has)"
}
