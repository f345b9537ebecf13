import Foundation

/// The learner's side of a live session, without any terminal: joins (or resumes with a saved
/// token), reconnects by itself when the connection drops, and re-sends answers that were not
/// acknowledged before the drop, under their original submission ids so none counts twice.
public actor LiveLearner {
  public enum Event: Sendable {
    case message(LearnerMessage)
    /// The connection dropped; trying again.
    case reconnecting
    /// The session is over for this learner (ended, removed, or refused); no more reconnects.
    case finished(String)
  }

  let url: String
  let code: String
  let name: String
  public private(set) var token: String?
  public private(set) var participant: String?
  public private(set) var item: ItemView?
  var client: LiveClient?
  /// Answers sent but not yet acknowledged, in sending order.
  var pending: [(id: String, request: LearnerRequest)] = []
  var finished = false
  let onEvent: @Sendable (Event) -> Void

  public init(url: String, code: String, name: String, token: String?, onEvent: @escaping @Sendable (Event) -> Void) {
    self.url = url
    self.code = code
    self.name = name
    self.token = token
    self.onEvent = onEvent
  }

  /// Connects and keeps connected until the session is over for this learner or `stop()`.
  public func run() async {
    var delay = 250
    while !finished && !Task.isCancelled {
      let c = LiveClient(url: url)
      client = c
      if let token {
        c.send(LearnerRequest(type: .resume, token: token))
      } else {
        c.send(LearnerRequest(type: .join, code: code, name: name))
      }
      var welcomed = false
      for await m in c.messages {
        if !welcomed && m.type == .welcome {
          welcomed = true
          delay = 250
          // What was in flight when the line dropped goes again, under the same ids.
          for p in pending { c.send(p.request) }
        }
        handle(m)
        if finished { break }
      }
      client = nil
      if finished || Task.isCancelled { break }
      if !welcomed && token == nil {
        finish("could not join: \(c.received.last?.message.text ?? "the server did not answer")")
        break
      }
      onEvent(.reconnecting)
      try? await Task.sleep(for: .milliseconds(delay))
      delay = min(delay * 2, 5_000)
    }
  }

  func handle(_ m: LearnerMessage) {
    switch m.type {
    case .welcome:
      if let t = m.token { token = t }
      participant = m.participant
    case .item:
      item = m.item
    case .ack, .rejected:
      if let s = m.submission { pending.removeAll { $0.id == s } }
    case .closed:
      if item?.question?.id == m.question { item?.status = .closed }
    case .reveal:
      if item?.question?.id == m.question { item?.status = .revealed }
    case .removed:
      onEvent(.message(m))
      finish("removed by the instructor")
      return
    case .ended:
      onEvent(.message(m))
      finish("the session has ended")
      return
    case .error:
      // A resume the server no longer knows: there is nothing to go back to.
      if m.text?.hasPrefix("unknown token") == true || m.text == "wrong join code" || m.text?.contains("locked") == true
        || m.text == "the room is full" || m.text == "the session has ended"
      {
        onEvent(.message(m))
        finish(m.text ?? "refused")
        return
      }
    default: break
    }
    onEvent(.message(m))
  }

  func finish(_ why: String) {
    guard !finished else { return }
    finished = true
    client?.close()
    onEvent(.finished(why))
  }

  /// Sends an answer to the current question; false when there is no question to answer.
  @discardableResult
  public func answer(_ input: String, submission: String = UUID().uuidString.lowercased()) -> Bool {
    guard let q = item?.question else { return false }
    let r = LearnerRequest(type: .answer, submission: submission, question: q.id, input: input)
    pending.append((submission, r))
    client?.send(r)
    return true
  }

  public func send(_ kind: LearnerRequest.Kind) {
    client?.send(LearnerRequest(type: kind, question: item?.question?.id))
  }

  public var unacknowledged: Int { pending.count }

  /// Cuts the current connection without a goodbye (tests: a dropped Wi-Fi).
  public func dropConnection() { client?.drop() }

  public func stop() {
    finished = true
    client?.close()
  }
}
