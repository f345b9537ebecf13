/// Lower-case hexadecimal, the spelling of every digest, hash and id workshop writes.
public enum Hex {
  /// The ASCII digit of a nibble (0...15).
  @inlinable public static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

  public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
      out.append(digit(byte >> 4))
      out.append(digit(byte & 0x0F))
    }
    return String(decoding: out, as: UTF8.self)
  }
}
