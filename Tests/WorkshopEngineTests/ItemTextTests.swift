import Testing

@testable import WorkshopEngine

/// The item-writing checks look at normalised text through byte-level shortcuts where the text is
/// ASCII. These tests hold each shortcut to the Character-level definition it replaces, on random
/// text that mixes ASCII with accents, combining marks, other scripts' digits and invisible
/// characters, so that both paths are taken.
@Suite struct ItemTextTests {
  static let pieces = [
    "a", "b", "k", "o", "s", "S", "ss", "t", "w", "1", "7", "0", " ", "  ", "-", ".", "'", "/",
    "é", "e\u{301}", "s\u{301}", "ß", "ſ", "ñ", "Σ", "Ⅻ", "٣", "½", "\u{200B}", "\u{FF11}",
  ]

  static func randomText(_ rng: inout SplitMix) -> String {
    (0..<Int(rng.next() % 24)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
  }

  /// What `ItemText` computed before the shortcuts: Characters throughout.
  static func referenceStem(_ word: Substring) -> String {
    if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") { return String(word.dropLast()) }
    return String(word)
  }

  static func referenceContentWords(_ text: String) -> Set<String> {
    var found = Set<String>()
    for word in Normalizer.normalize(text).split(separator: " ") {
      guard word.contains(where: \.isNumber) || word.count >= 3, !ItemText.stopWords.contains(String(word))
      else { continue }
      found.insert(referenceStem(word))
    }
    return found
  }

  @Test func byteShortcutsAgreeWithCharacters() {
    var rng = SplitMix(seed: 23)
    for _ in 0..<4000 {
      let text = Self.randomText(&rng)
      let normalized = Normalizer.normalize(text)
      #expect(Normalizer.words(ofNormalized: normalized) == normalized.split(separator: " "), "\(text.debugDescription)")
      for word in ItemText.words(text) {
        #expect(ItemText.stem(word) == Self.referenceStem(word), "\(word.debugDescription)")
      }
      #expect(ItemText.contentWords(text) == Self.referenceContentWords(text), "\(text.debugDescription)")
      let choice = NearDuplicateChoiceCheck.ChoiceText(text)
      #expect(choice.length == normalized.count, "\(text.debugDescription)")
      #expect(choice.numbers == String(normalized.filter(\.isNumber)), "\(text.debugDescription)")
    }
  }

  /// The edit distance over bytes (ASCII choices) and over Characters agree where both apply,
  /// and a near-duplicate is found the same way whichever path is taken.
  @Test func editDistanceIsTheSameOverBytesAndCharacters() {
    var rng = SplitMix(seed: 5)
    let letters = Array("abcdefgh 12")
    for _ in 0..<2000 {
      let a = String((0..<Int(rng.next() % 16)).map { _ in letters[Int(rng.next() % UInt64(letters.count))] })
      let b = String((0..<Int(rng.next() % 16)).map { _ in letters[Int(rng.next() % UInt64(letters.count))] })
      let bytes = NearDuplicateChoiceCheck.editDistance(Array(a.utf8), Array(b.utf8), limit: 2)
      let characters = NearDuplicateChoiceCheck.editDistance(Array(a), Array(b), limit: 2)
      #expect(bytes == characters, "\(a) / \(b)")
    }
    let ascii = NearDuplicateChoiceCheck.ChoiceText("Models must publish their weights")
    let accented = NearDuplicateChoiceCheck.ChoiceText("Modèls must publish their weights")
    #expect(NearDuplicateChoiceCheck.nearDuplicates(ascii, accented))
    #expect(!NearDuplicateChoiceCheck.nearDuplicates(
      NearDuplicateChoiceCheck.ChoiceText("Llama 3.1 is released openly"),
      NearDuplicateChoiceCheck.ChoiceText("Llama 3.2 is released openly")))
  }
}
