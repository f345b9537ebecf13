import Foundation
import Testing
import WorkshopTestSupport

/// The bundled course as its authors check it: `workshop lint --strict lessons` from the
/// repository root, item-writing checks included, reports nothing.
@Suite struct BundledCourseLintTests {
  @Test func strictLintOfTheBundledLessonsIsClean() throws {
    let result = try ProcessRunner.run(
      try BuiltProducts.workshop(), ["lint", "--strict", "lessons"],
      currentDirectory: BuiltProducts.packageRoot.path)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("0 errors, 0 warnings"), "\(result.stdout)")
  }
}
