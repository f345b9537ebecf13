/// The instructor's page: plain HTML, CSS and JavaScript, shipped inside the binary so the room
/// needs nothing from outside. It reads its token from its own address (`/host?token=…`),
/// follows the instructor WebSocket, falls back to polling `/api/host/state`, and sends
/// commands with `POST /api/host/command`.
enum InstructorPage {
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>workshop — instructor</title>
    <style>
    :root { --fg:#1b1b1b; --muted:#5a5a5a; --line:#ccc; --bar:#3465a4; --ok:#2e7d32; --bg:#fff; }
    * { box-sizing: border-box; }
    body { font: 16px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
    header { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: baseline; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); }
    header h1 { font-size: 1.3rem; margin: 0; }
    #code { font-size: 2rem; font-weight: 700; letter-spacing: .15em; }
    main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 1.5rem; padding: 1rem 1.5rem; }
    section { margin-bottom: 1.5rem; }
    h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
    button, select, input { font: inherit; padding: .35rem .7rem; margin: 0 .3rem .4rem 0; }
    button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
    .muted { color: var(--muted); }
    #prompt { white-space: pre-wrap; }
    .row { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 3rem; gap: .6rem; align-items: center; margin: .3rem 0; }
    .track { background: #eee; height: 1.6rem; border-radius: 3px; overflow: hidden; }
    .bar { background: var(--bar); height: 100%; transition: width .3s; }
    .bar.right { background: var(--ok); }
    .count { text-align: right; font-variant-numeric: tabular-nums; }
    ul#people { list-style: none; padding: 0; margin: 0; }
    #people li { display: flex; gap: .5rem; align-items: center; padding: .2rem 0; border-bottom: 1px solid #eee; }
    #people li .who { flex: 1; }
    .dot { width: .7rem; height: .7rem; border-radius: 50%; background: #bbb; display: inline-block; }
    .dot.on { background: var(--ok); }
    table { border-collapse: collapse; }
    th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; }
    #status { min-height: 1.5em; }
    .hidden { display: none; }
    button[aria-pressed="true"] { font-weight: 700; border: 2px solid var(--fg); }
    #lobby { padding: 1.5rem; border-bottom: 1px solid var(--line); text-align: center; }
    #lobby-code { font-size: clamp(3rem, 12vw, 9rem); font-weight: 800; letter-spacing: .2em; margin: 0; }
    #joinline { font-size: clamp(1rem, 2.4vw, 1.8rem); white-space: pre-wrap; word-break: break-word; margin: .5rem 0; }
    #lobby-people { font-size: 1.3rem; }
    @media (max-width: 50rem) { main { grid-template-columns: 1fr; } }
    </style>
    </head>
    <body>
    <header>
      <h1 id="course">workshop</h1>
      <span>Join code <span id="code" aria-live="polite">······</span></span>
      <span id="counts" class="muted"></span>
      <label><input type="checkbox" id="projector"> Projector mode (hide names and answers)</label>
      <label><input type="checkbox" id="show-lobby"> Join screen</label>
    </header>
    <section id="lobby" class="hidden" aria-label="Join screen">
      <p>To join, type in a terminal:</p>
      <p id="joinline"></p>
      <p class="muted">Join code</p>
      <p id="lobby-code" aria-live="polite"></p>
      <p id="lobby-people" aria-live="polite"></p>
    </section>
    <main>
    <div>
      <section aria-label="Controls">
        <select id="lesson" aria-label="Lesson"></select><button data-cmd="open-lesson">Open lesson</button>
        <br>
        <button data-cmd="previous">◀ Previous</button><button data-cmd="next">Next ▶</button>
        <label>Timer <input id="seconds" type="number" min="0" max="3600" size="4" value="0"> s</label>
        <button data-cmd="open-question">Open question</button><button data-cmd="close-question">Close</button>
        <button data-cmd="reveal">Reveal answer</button><button data-cmd="show-distribution">Show chart to room</button>
        <button data-cmd="show-leaderboard" id="leaderboard">Leaderboard</button>
        <br>
        <button data-cmd="lock" id="lock">Lock room</button><button data-cmd="unlock" id="unlock">Unlock room</button>
        <button data-cmd="pace" data-pacing="instructor">Instructor pace</button><button data-cmd="pace" data-pacing="student">Student pace</button>
        <button data-cmd="end" id="end">End session</button>
        <div id="status" role="status" class="muted"></div>
      </section>
      <section aria-label="Current item">
        <h2 id="item-title">No lesson open</h2>
        <div id="item-meta" class="muted"></div>
        <p id="prompt"></p>
        <p id="key" class="answer"></p>
      </section>
      <section aria-label="Answers">
        <h2>Answers <span id="answered" class="muted"></span></h2>
        <div id="chart" aria-live="polite"></div>
      </section>
      <section id="roster-section" class="hidden" aria-label="Roster">
        <h2>Roster</h2>
        <p><a id="csv" href="#">Download roster (CSV)</a></p>
        <table id="roster"></table>
        <h2>Item analysis</h2>
        <table id="items"></table>
      </section>
    </div>
    <aside>
      <section aria-label="Participants">
        <h2>Participants</h2>
        <ul id="people"></ul>
      </section>
    </aside>
    </main>
    <script>
    "use strict";
    const token = new URLSearchParams(location.search).get("token") || location.hash.slice(1);
    const q = "token=" + encodeURIComponent(token);
    let view = null, socket = null, shownVersion = -1;
    const $ = (id) => document.getElementById(id);
    const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
    const pct = (x) => Math.round(x * 100) + "%";
    $("csv").href = "/api/host/roster.csv?" + q;
    $("projector").addEventListener("change", () => { if (view) render(view, true); });
    $("show-lobby").addEventListener("change", () => { if (view) render(view, true); });

    async function command(body) {
      $("status").textContent = "…";
      try {
        const r = await fetch("/api/host/command?" + q, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        const j = await r.json().catch(() => ({}));
        $("status").textContent = r.ok ? "" : (j.refused || ("error " + r.status));
        poll();
      } catch (e) { $("status").textContent = "cannot reach the server"; }
    }
    document.querySelectorAll("button[data-cmd]").forEach((b) => b.addEventListener("click", () => {
      const cmd = b.dataset.cmd, body = { command: cmd };
      if (cmd === "open-lesson") body.lesson = $("lesson").value;
      if (cmd === "open-question") { const s = parseInt($("seconds").value, 10); if (s > 0) body.seconds = s; }
      if (cmd === "pace") body.pacing = b.dataset.pacing;
      if (cmd === "end" && !confirm("End the session? The roster and each learner's signed record are written, "
        + "answers are no longer taken, and learners are told the session is over.")) return;
      command(body);
    }));

    function render(v, force) {
      if (!force && v.version === shownVersion && view) return;
      view = v; shownVersion = v.version;
      const hide = $("projector").checked;
      $("course").textContent = v.courseTitle;
      $("code").textContent = v.ended ? "ended" : v.code;
      // The join screen, to project while people arrive: shown until a lesson is opened, and
      // whenever the instructor asks for it. Learners join at the address this page came from.
      const present = v.people.filter(p => !p.removed);
      $("lobby").classList.toggle("hidden", v.ended || !(!v.lesson || $("show-lobby").checked));
      $("joinline").textContent = "workshop join " + location.host + " --code " + v.code + ' --name "Your Name"';
      $("lobby-code").textContent = v.code;
      $("lobby-people").textContent = present.length === 0 ? "Nobody has joined yet."
        : present.length + " joined: " + present.map(p => hide || v.anonymous ? p.alias : p.name).join(", ");
      $("counts").textContent = v.connectedCount + " connected · " + v.people.filter(p => !p.removed).length + " joined · "
        + v.pacing + " pace" + (v.locked ? " · locked" : "");
      $("leaderboard").classList.toggle("hidden", !v.leaderboard);
      document.querySelectorAll("button[data-pacing]").forEach(b => b.setAttribute("aria-pressed", String(b.dataset.pacing === v.pacing)));
      $("lock").classList.toggle("hidden", v.locked);
      $("unlock").classList.toggle("hidden", !v.locked);
      const sel = $("lesson");
      if (sel.options.length !== v.lessons.length) {
        sel.replaceChildren(...v.lessons.map(l => { const o = el("option", l.id + " — " + l.title); o.value = l.id; return o; }));
      }
      if (v.lesson) sel.value = v.lesson;
      const it = v.item;
      $("item-title").textContent = it ? (it.kind === "page" ? it.title : "Question " + it.question) : "No lesson open";
      let meta = v.lesson ? (v.lessonTitle + " · item " + (v.index + 1) + " of " + v.count) : "";
      if (it && it.status) meta += " · " + it.status;
      if (it && it.deadline && it.status === "open") meta += " · closes in " + Math.max(0, Math.round((it.deadline - Date.now()) / 1000)) + " s";
      $("item-meta").textContent = meta;
      $("prompt").textContent = it && it.prompt ? it.prompt : "";
      $("key").textContent = it && it.key && (!hide || it.status === "revealed") ? "Answer: " + it.key + (it.explanation ? " — " + it.explanation : "") : "";
      $("answered").textContent = it && it.kind === "question" ? "(" + v.answeredCount + " of " + v.people.filter(p => !p.removed).length + ")" : "";
      const max = Math.max(1, ...v.buckets.map(b => b.count));
      $("chart").replaceChildren(...v.buckets.map(b => {
        const row = el("div", undefined, "row");
        row.dataset.label = b.label; row.dataset.count = String(b.count);
        const showRight = b.correct && (!hide || (it && it.status === "revealed"));
        const bar = el("div", undefined, "bar" + (showRight ? " right" : ""));
        bar.style.width = (100 * b.count / max) + "%";
        const track = el("div", undefined, "track"); track.appendChild(bar);
        row.append(el("span", b.label + (showRight ? " ✓" : "")), track, el("span", String(b.count), "count"));
        return row;
      }));
      $("people").replaceChildren(...v.people.filter(p => !p.removed).map(p => {
        const li = el("li");
        li.dataset.participant = p.id;
        li.append(el("span", undefined, "dot" + (p.connected ? " on" : "")));
        li.append(el("span", hide || v.anonymous && hide ? p.alias : p.name + (v.anonymous ? " (" + p.alias + ")" : ""), "who"));
        li.append(el("span", p.answered ? (hide || !p.answer ? "answered" : "answered " + p.answer) : (p.position != null ? "at item " + (p.position + 1) : ""), "muted"));
        if (!hide) li.append(el("span", (Math.round(p.earned * 10) / 10) + " of " + p.possible + " points", "muted"));
        const rm = el("button", "Remove"); rm.setAttribute("aria-label", "Remove " + p.name);
        rm.addEventListener("click", () => { if (confirm("Remove " + p.name + "?")) command({ command: "remove", participant: p.id }); });
        li.append(rm);
        return li;
      }));
      const r = v.roster;
      $("roster-section").classList.toggle("hidden", !r);
      if (r) {
        const head = (cells) => { const tr = el("tr"); cells.forEach(c => tr.append(el("th", c))); return tr; };
        const line = (cells) => { const tr = el("tr"); cells.forEach(c => tr.append(el("td", String(c)))); return tr; };
        $("roster").replaceChildren(head(["Participant", "Answered", "Right", "Score", "Passed"]),
          ...r.rows.filter(x => !x.removed).map(x => line([hide ? x.alias : x.name, x.answered, x.correct, pct(x.score), x.passed ? "yes" : "no"])));
        $("items").replaceChildren(head(["#", "Question", "Answered", "Difficulty", "Discrimination", "Most common wrong answer (lesson file's letters)"]),
          ...r.items.map(i => line([i.number, i.question, i.answered, i.difficulty == null ? "no data" : pct(i.difficulty), i.discrimination == null ? "—" : i.discrimination.toFixed(2), i.commonWrong || ""])));
      }
    }

    async function poll() {
      try {
        const r = await fetch("/api/host/state?" + q, { cache: "no-store" });
        if (r.status === 401) { $("status").textContent = "This address needs the instructor token printed by workshop serve."; return; }
        if (r.ok) render(await r.json());
      } catch (e) { $("status").textContent = "cannot reach the server"; }
    }

    function connect() {
      try {
        socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/host?" + q);
        socket.onmessage = (m) => { try { const v = JSON.parse(m.data); if (v.version !== undefined) render(v); else if (v.refused) $("status").textContent = v.refused; } catch (e) {} };
        socket.onclose = () => { socket = null; setTimeout(connect, 2000); };
      } catch (e) { socket = null; }
    }

    poll();
    connect();
    // Polling covers a socket that cannot connect; the countdown needs a redraw each second too.
    setInterval(() => { if (!socket || socket.readyState !== 1) poll(); else if (view) render(view, true); }, 1000);
    </script>
    </body>
    </html>
    """#
}
