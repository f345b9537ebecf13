// A simulated classroom on loopback: N learners join over WebSockets, the instructor opens a
// question, and every learner answers at a random moment within the same window. Measures the
// time from sending an answer to receiving its acknowledgement (which the server sends only
// after the answer is fsynced), and checks that every acknowledged answer is in the log.
//
//   swift run -c release workshop-loadgen [--learners 50,200,1000,2000] [--window 2]

import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer

struct Arguments {
  var learners = [50, 200, 1_000, 2_000]
  var window = 2.0
  var directory = NSTemporaryDirectory() + "workshop-loadgen"

  init() {
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
      switch a {
      case "--learners": learners = (args.next() ?? "").split(separator: ",").compactMap { Int($0) }
      case "--window": window = Double(args.next() ?? "") ?? window
      case "--dir": directory = args.next() ?? directory
      default:
        print("usage: workshop-loadgen [--learners 50,200,1000,2000] [--window SECONDS] [--dir DIR]")
        exit(2)
      }
    }
  }
}

let question = Question(
  id: "pick", prompt: "Pick the right one.",
  body: .single([.init(text: "Wrong", correct: false, feedback: "No."), .init(text: "Right", correct: true),
                 .init(text: "Also wrong", correct: false, feedback: "No.")]),
  explanation: "Because.", digest: "loadgen-q")
let lesson = Lesson(
  id: "load", title: "Load", summary: "", objectives: [], estimatedMinutes: 1, kind: .lesson, required: true,
  policy: Policy(), draw: nil, items: [.question(question)], path: "load.md", digest: "loadgen-l")
let course = Course(
  id: "loadgen", title: "Load generator", version: "1", description: "", language: "en", policy: Policy(),
  lessons: [lesson], directory: "", digest: "loadgen-c")

final class Timings: @unchecked Sendable {
  let lock = NSLock()
  var sent: [Int: ContinuousClock.Instant] = [:]
  var acked: [Int: ContinuousClock.Instant] = [:]
  var welcomed = Set<Int>()
  var ready = Set<Int>()
  func record(_ f: () -> Void) { lock.withLock(f) }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
  guard !sorted.isEmpty else { return .nan }
  let i = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
  return sorted[i]
}

func waitFor(_ seconds: Double, _ done: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while ContinuousClock.now < deadline {
    if done() { return true }
    try? await Task.sleep(for: .milliseconds(20))
  }
  return done()
}

struct RunResult {
  var learners: Int
  var acked: Int
  var logged: Int
  var p50: Double, p90: Double, p99: Double, max: Double
}

func run(learners n: Int, window: Double, root: String) async throws -> RunResult {
  let dir = root + "/run-\(n)-\(UUID().uuidString.prefix(6))"
  var limits = SessionLimits()
  limits.maxConnections = n + 20
  limits.maxParticipants = n
  limits.joinBurst = Double(n)
  limits.joinsPerSecond = Double(n)
  let options = LiveHost.Options(
    course: course, limits: limits, directory: dir, key: InstructorKey.generate())
  let host = try await LiveHost.open(options).host
  let code = await host.joinCode
  let port = PortBox()
  let server = LiveServer.start(host: host, port: 0, limits: limits, onServerRunning: { port.set($0) })
  guard await waitFor(10, { port.value != nil }), let p = port.value else { fatalError("server did not start") }
  let url = "ws://127.0.0.1:\(p)/ws/learn"

  let t = Timings()
  var clients: [LiveClient] = []
  for i in 0..<n {
    let c = LiveClient(url: url) { m, at in
      switch m.type {
      case .welcome: t.record { _ = t.welcomed.insert(i) }
      case .item where m.item?.question != nil: t.record { _ = t.ready.insert(i) }
      case .ack: t.record { if t.acked[i] == nil { t.acked[i] = at } }
      default: break
      }
    }
    c.send(LearnerRequest(type: .join, code: code, name: "Learner \(i)"))
    clients.append(c)
    // Connect in waves so the accept backlog is not the thing measured.
    if i % 100 == 99 { try await Task.sleep(for: .milliseconds(20)) }
  }
  guard await waitFor(60, { t.lock.withLock { t.welcomed.count } == n }) else {
    fatalError("only \(t.lock.withLock { t.welcomed.count }) of \(n) joined")
  }
  await host.command(InstructorCommand(.openLesson, lesson: "load"))
  guard await waitFor(30, { t.lock.withLock { t.ready.count } == n }) else { fatalError("question not delivered") }

  // Everyone answers at a random moment within the window.
  await withTaskGroup(of: Void.self) { group in
    for (i, c) in clients.enumerated() {
      let delay = Double.random(in: 0..<window)
      group.addTask {
        try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        let input = ["a", "b", "c"][i % 3]
        t.record { t.sent[i] = .now }
        c.send(LearnerRequest(type: .answer, submission: "s-\(i)", question: "pick", input: input))
      }
    }
  }
  _ = await waitFor(30, { t.lock.withLock { t.acked.count } == n })
  let latencies: [Double] = t.lock.withLock {
    t.acked.compactMap { i, at in
      t.sent[i].map { start in
        let d = at - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
      }
    }.sorted()
  }
  for c in clients { c.close() }
  try? await server.stop()
  await host.stop()
  let logged = try SessionLog.open(path: dir + "/session.jsonl").facts.filter { $0.kind == .answered }.count
  try? FileManager.default.removeItem(atPath: dir)
  return RunResult(
    learners: n, acked: latencies.count, logged: logged, p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9), p99: percentile(latencies, 0.99), max: latencies.last ?? .nan)
}

final class PortBox: @unchecked Sendable {
  let lock = NSLock()
  var port: Int?
  func set(_ p: Int) { lock.withLock { port = p } }
  var value: Int? { lock.withLock { port } }
}

let args = Arguments()
print("workshop-loadgen: \(ProcessInfo.processInfo.activeProcessorCount) cores, answers spread over \(args.window) s")
print("| learners | acknowledged | in the log | p50 ms | p90 ms | p99 ms | max ms |")
print("|---:|---:|---:|---:|---:|---:|---:|")
var failed = false
for n in args.learners {
  let r = try await run(learners: n, window: args.window, root: args.directory)
  func f(_ d: Double) -> String { String(format: "%.1f", d) }
  print("| \(r.learners) | \(r.acked) | \(r.logged) | \(f(r.p50)) | \(f(r.p90)) | \(f(r.p99)) | \(f(r.max)) |")
  if r.acked != n || r.logged != n { failed = true }
}
if failed {
  print("FAILED: some answers were not acknowledged or not logged")
  exit(1)
}
