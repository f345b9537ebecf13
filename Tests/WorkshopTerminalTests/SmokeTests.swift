import Testing
import WorkshopEngine

@Test func engineVersionIsSet() {
  #expect(!WorkshopVersion.current.isEmpty)
}
