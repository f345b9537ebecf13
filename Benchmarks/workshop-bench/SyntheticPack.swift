import Foundation

/// Writes synthetic lesson packs: many lessons, every question type, realistic text lengths.
enum SyntheticPack {
  /// Writes one course with `lessons` lessons of `questions` questions each under `root`.
  static func write(to root: String, lessons: Int, questions: Int) throws {
    let course = root + "/synthetic"
    try FileManager.default.createDirectory(atPath: course, withIntermediateDirectories: true)
    var manifest = """
      id: synthetic
      title: Synthetic course
      version: 1.0.0
      description: Generated for benchmarks.
      language: en
      lessons:

      """
    for l in 0..<lessons {
      let file = String(format: "%04d-lesson.md", l)
      manifest += "  - \(file)\n"
      try lesson(index: l, questions: questions).write(
        toFile: course + "/" + file, atomically: false, encoding: .utf8)
    }
    try manifest.write(toFile: course + "/course.yaml", atomically: false, encoding: .utf8)
  }

  static func lesson(index l: Int, questions: Int) -> String {
    var text = """
      ---
      id: lesson-\(l)
      title: Lesson \(l)
      summary: A generated lesson for measuring the loader.
      objectives:
        - Measure how fast lessons load.
      minutes: 10
      ---

      # Lesson \(l)

      Some introduction with *emphasis*, `code` and a [link](https://example.org/\(l)).

      """
    for q in 0..<questions {
      if q % 5 == 0 {
        text += """

          ## Page \(q / 5)

          A paragraph of reading that explains the next questions in plain words. It has
          enough text to look like a real page, with a list:

          - first point about openness
          - second point about safety

          > A call-out with advice.

          """
      }
      text += "\n```question\n" + question(lesson: l, index: q) + "```\n"
    }
    return text
  }

  static func question(lesson l: Int, index q: Int) -> String {
    let common = """
      id: q-\(q)
      prompt: |
        Question \(q) of lesson \(l): which of these statements is the best fit for the situation?
      explanation: Because the principle says so, and the scenario shows why.
      hints:
        - Think about who can use the artefact.
        - Read the licence terms again.
      tags: [scenario]

      """
    switch q % 7 {
    case 0:
      return common + """
        type: single
        choices:
          - text: The right answer
            correct: true
            feedback: Yes, that is right.
          - text: A plausible wrong answer
            feedback: No, because of the licence.
          - text: Another wrong answer
            feedback: No, because of the data.
          - text: A third wrong answer
            feedback: No, because of the users.

        """
    case 1:
      return common + """
        type: multiple
        choices:
          - text: Right one
            correct: true
            feedback: Yes.
          - text: Right two
            correct: true
            feedback: Yes.
          - text: Wrong one
            feedback: No, this is wrong.
          - text: Wrong two
            feedback: No, this is wrong too.

        """
    case 2:
      return common + """
        type: truefalse
        answer: true
        feedback:
          true: Right.
          false: No, it is true because of the principle.

        """
    case 3:
      return common + """
        type: short
        answers: [open weights, open-weights model]
        wrong:
          - answer: open source
            feedback: Open source needs more than weights.
        examples:
          accept: ["Open Weights", "  open   weights "]
          reject: ["closed", "open source"]

        """
    case 4:
      return common + """
        type: numeric
        answer: 2023
        tolerance: 0
        examples:
          accept: ["2023", "2023.0"]
          reject: ["2024", "1999"]

        """
    case 5:
      return common + """
        type: ordering
        items:
          - First step
          - Second step
          - Third step
          - Fourth step

        """
    default:
      return common + """
        type: matching
        pairs:
          - left: Weights
            right: Parameters
          - left: Data card
            right: Dataset documentation
          - left: Model card
            right: Model documentation

        """
    }
  }
}
