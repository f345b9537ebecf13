import Foundation

// The yardstick for start-up figures: a Swift program that links Foundation and prints one line,
// built exactly as workshop is (release, --static-swift-stdlib). workshop-bench startup compares
// workshop's start with this one's.
print("bare \(ProcessInfo.processInfo.processIdentifier > 0 ? "foundation" : "")")
