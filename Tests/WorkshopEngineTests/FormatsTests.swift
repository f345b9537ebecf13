import Foundation
import Testing
@testable import WorkshopEngine

/// The formats every module writes come from one place, with one rule each.
@Suite struct FormatsTests {
  @Test(
    "content digests and records spell numbers and strings alike",
    arguments: [0, -0.0, 1, -3, 0.5, 1e15, 9_007_199_254_740_991, 9_007_199_254_740_992, 1e300, 0.1 + 0.2])
  func oneNumberRule(_ value: Double) throws {
    var digestWriter = CanonicalJSON()
    digestWriter.number(value)
    #expect(digestWriter.text == JSONWriter.canonical(.number(value)))
    #expect(digestWriter.text == JSONWriter.number(value))
    // Whatever is written reads back as the same number.
    #expect(try JSONParser.parse(digestWriter.text).number == (value == 0 ? 0 : value))
  }

  @Test("whole numbers below 2^53 have no exponent; -0 is 0")
  func wholeNumbers() {
    #expect(JSONWriter.number(1e15) == "1000000000000000")
    #expect(JSONWriter.number(-0.0) == "0")
    #expect(JSONWriter.number(2.5) == "2.5")
  }

  @Test("strings: only quote, backslash and control characters are escaped, in both writers")
  func oneStringRule() {
    let text = "a\"b\\c\nd\te\u{01}é—ü"
    var digestWriter = CanonicalJSON()
    digestWriter.string(text)
    #expect(digestWriter.text == #""a\"b\\c\nd\te\u0001é—ü""#)
    #expect(digestWriter.text == JSONWriter.canonical(.string(text)))
  }

  @Test("the strict parser rejects duplicate keys")
  func duplicateKeys() {
    #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
  }

  @Test("hex is lower case, two digits a byte")
  func hex() {
    #expect(Hex.string([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
    #expect(Hex.string([UInt8]()) == "")
  }

  @Test("CSV cells neutralise formulas and quote separators; HTML escapes markup and controls")
  func csvAndHTML() {
    #expect(CSV.cell("=1+1") == "'=1+1")
    #expect(CSV.cell("\tx") == "'\tx")
    #expect(CSV.cell("a,b") == "\"a,b\"")
    #expect(HTML.escape("<a href='x'>&\u{07}</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;\u{FFFD}&lt;/a&gt;")
  }

  @Test("a choice's letter: a to z, then aa")
  func letters() {
    #expect((0..<3).map(Presentation.letter) == ["a", "b", "c"])
    #expect(Presentation.letter(25) == "z")
    #expect(Presentation.letter(26) == "aa")
  }
}
