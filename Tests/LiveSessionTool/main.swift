// Serves a small built-in course until killed; the restart tests SIGKILL it mid-session and
// start it again on the same folder. Usage: live-session-tool DIR
// Writes DIR/port once listening; the room is already on the first question.
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer

let dir = CommandLine.arguments.dropFirst().first ?? "."
let question = Question(
  id: "capital", prompt: "Capital of France?",
  body: .single([.init(text: "Lyon", correct: false, feedback: "No."), .init(text: "Paris", correct: true),
                 .init(text: "Nice", correct: false, feedback: "No.")]),
  explanation: "Paris.", digest: "tool-q")
let lesson = Lesson(
  id: "basics", title: "Basics", summary: "", objectives: [], estimatedMinutes: 1, kind: .lesson, required: true,
  policy: Policy(shuffle: false), draw: nil, items: [.question(question)], path: "basics.md", digest: "tool-l")
let course = Course(
  id: "demo", title: "Demo", version: "1", description: "", language: "en", policy: Policy(shuffle: false),
  lessons: [lesson], directory: "", digest: "tool-c")

var limits = SessionLimits()
limits.joinBurst = 1_000
// This tool tests restarts, not admission: a loaded machine must not close a joining socket.
limits.joinDeadlineMilliseconds = 120_000
let options = LiveHost.Options(course: course, limits: limits, directory: dir, key: nil)
let (host, resumed, _) = try await LiveHost.open(options)
if !resumed { await host.command(InstructorCommand(.openLesson, lesson: "basics")) }
try await LiveServer.run(host: host, port: 0, limits: limits) { port in
  try? "\(port)".write(toFile: dir + "/port.tmp", atomically: false, encoding: .utf8)
  _ = rename(dir + "/port.tmp", dir + "/port")
}
