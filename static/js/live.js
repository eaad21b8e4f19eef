// The live interview page: one question at a time, keyboard first, and every change saved.
//
// Every change is written to localStorage the moment it is made; only the sending waits (a
// moment for notes, while typing goes on). Each tab keeps its own queue under its own key, so
// two tabs never overwrite each other's; a queue whose tab has gone is adopted by any other
// tab of the scorecard, or by the page when it opens again. Each change carries the time it
// was made as its version: the server keeps, per field, the latest one, and answers with what
// it holds, so sending twice, late or out of order never overwrites a later edit. Tabs tell
// each other what was saved over a BroadcastChannel and show it.
(() => {
  "use strict";

  const live = document.getElementById("live");
  if (!live) return;
  live.classList.add("live-js");
  for (const element of live.querySelectorAll("[data-no-js]")) element.remove();

  const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const storageKey = live.dataset.storageKey;
  const statusBadge = document.getElementById("save-status");
  const problemsBox = document.getElementById("save-problems");
  const noticeBox = document.getElementById("sync-notice");
  const questionsBox = document.getElementById("questions");
  const navigator_ = document.getElementById("navigator");
  const NOTES_DELAY = 600;
  const MAX_RETRY_DELAY = 10000;
  const HEARTBEAT = 1000;
  const ORPHANED_AFTER = 4000; // a tab that has not written for this long is gone

  // ---- Storage: one queue per tab -----------------------------------------------------------

  const tabId = newKey();
  const ownKey = `${storageKey}:${tabId}`;
  let previousTab = null;
  try {
    previousTab = sessionStorage.getItem(`${storageKey}:tab`);
    sessionStorage.setItem(`${storageKey}:tab`, tabId);
  } catch {
    // No session storage: a reload is then adopted like any other gone tab.
  }

  let queue = [];
  let sequence = 0;
  let lastVersion = 0;

  // Once the page is hidden for good (closed, reloaded, left) its queue is stored one last
  // time, for another tab or the next page to adopt; a timer or an answer arriving after
  // that must not store it again over what the adopter has done.
  let gone = false;

  function storeQueue(alive = Date.now()) {
    if (gone) return;
    try {
      if (queue.length) localStorage.setItem(ownKey, JSON.stringify({ alive, changes: queue.map(stored) }));
      else localStorage.removeItem(ownKey);
    } catch {
      // Storage full or disabled: the queue still lives in this page, and the page warns.
    }
  }

  function stored(change) {
    const { sending, ...rest } = change;
    return rest;
  }

  // Take over the queues of tabs that have gone (closed, crashed, or this tab before a reload).
  function adoptOrphans() {
    const adopted = [];
    let keys = [];
    try {
      keys = Object.keys(localStorage).filter((key) => key.startsWith(`${storageKey}:`) && key !== ownKey);
    } catch {
      return;
    }
    for (const key of keys) {
      let entry = null;
      try {
        entry = JSON.parse(localStorage.getItem(key));
      } catch {
        entry = null;
      }
      if (!entry || !Array.isArray(entry.changes)) continue;
      const mine = key === `${storageKey}:${previousTab}`;
      if (!mine && Date.now() - (entry.alive || 0) < ORPHANED_AFTER) continue;
      localStorage.removeItem(key);
      adopted.push(...entry.changes);
    }
    adopted.push(...legacyQueue());
    if (!adopted.length) return;
    adopted.sort((a, b) => a.version - b.version);
    for (const change of adopted) {
      showPending(change);
      enqueue(change, { quiet: true });
    }
    storeQueue();
    flush();
  }

  // The single queue of the page before versions, under the scorecard's key: its changes are
  // older than anything versioned, so they fill gaps and overwrite nothing later.
  function legacyQueue() {
    const key = live.dataset.legacyStorageKey;
    let changes = [];
    try {
      changes = (key && JSON.parse(localStorage.getItem(key))) || [];
      if (key) localStorage.removeItem(key);
    } catch {
      return [];
    }
    return changes
      .filter((change) => change && change.url && change.fields && change.key)
      .map((change, index) => ({
        ...change,
        id: `legacy:${index}`,
        question: change.type === "answer" ? change.key.split(":")[0] : null,
        key: change.type === "answer" && Object.keys(change.fields)[0] === "skipped" ? `${change.key.split(":")[0]}:score` : change.key,
        version: 1 + index,
      }));
  }

  // ---- The queue of unsent changes ------------------------------------------------------------

  let sending = false;
  let retryDelay = 0;
  let retryTimer = null;
  let dueTimer = null;
  let leaveTo = null;

  function nextVersion() {
    lastVersion = Math.max(Date.now(), lastVersion + 1);
    return lastVersion;
  }

  function enqueue(change, { quiet = false } = {}) {
    // A newer value of a field replaces one still waiting (not one on its way), and goes to
    // the end, so that a follow-up is still made before anything typed after it.
    const waiting = queue.find((queued) => queued.key === change.key && !queued.sending);
    if (waiting && waiting.version > change.version) return;
    queue = queue.filter((queued) => queued !== waiting);
    queue.push(change);
    if (quiet) return;
    storeQueue();
    showStatus();
    flush();
  }

  function due(change) {
    return !change.dueAt || change.dueAt <= Date.now() || queue[queue.length - 1] !== change;
  }

  async function flush() {
    if (sending || retryTimer || !queue.length) return;
    const change = queue[0];
    if (change.sending) return; // sent with the page as it was hidden: flushed when answered
    if (!due(change)) {
      clearTimeout(dueTimer);
      dueTimer = setTimeout(flush, change.dueAt - Date.now());
      return;
    }
    sending = true;
    change.sending = true;
    showStatus();
    let outcome;
    try {
      outcome = await send(change);
    } catch {
      outcome = "retry";
    }
    change.sending = false;
    sending = false;
    if (outcome === "retry") {
      retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, MAX_RETRY_DELAY);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        flush();
      }, retryDelay);
    } else {
      retryDelay = 0;
      settle(change);
    }
    showStatus();
    if (!queue.length && leaveTo) window.location.assign(leaveTo);
    flush();
  }

  function settle(change) {
    queue = queue.filter((queued) => queued.id !== change.id);
    storeQueue();
  }

  function request(change, keepalive = false) {
    return fetch(change.url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: new URLSearchParams({ ...change.fields, ...(change.type === "answer" ? { version: change.version } : {}) }),
      credentials: "same-origin",
      keepalive,
    });
  }

  async function send(change, keepalive = false) {
    const response = await request(change, keepalive);
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!isJson) {
      if (response.status === 404) {
        refuse(change, "this interview or question is no longer open to you.");
        return "refused";
      }
      // Logged out, a stale form token, or a proxy's error page: keep the change and retry.
      if (response.redirected) showProblem("session", "Your session has ended: log in again in another tab; your changes are kept here and will be sent.");
      else if (response.status === 403) showProblem("session", "Not saved yet: reload the page; your changes are kept and will be sent.");
      return "retry";
    }
    const data = await response.json();
    if (response.ok) {
      dropProblem("session");
      received(change, data);
      return "sent";
    }
    if (response.status >= 500 || response.status === 429) return "retry";
    // Refused (a locked scorecard, a bad value): it will never be accepted, so it leaves the
    // queue and stays on the page, with its text, for the interviewer to copy.
    refuse(change, data.error);
    return "refused";
  }

  // When the page is hidden or closed, send everything at once with keepalive: the requests
  // outlive the page. What they save is also still in storage until answered, and sending it
  // again is harmless.
  function sendAllNow() {
    for (const change of queue) {
      if (change.sending) continue;
      change.sending = true;
      send(change, true)
        .then((outcome) => {
          change.sending = false;
          if (outcome !== "retry") settle(change);
          showStatus();
          flush();
        })
        .catch(() => {
          change.sending = false;
          flush();
        });
    }
  }

  function showStatus() {
    const waiting = queue.length;
    const refused = problemsBox.querySelectorAll("[data-problem=refused]").length;
    let state = "saved";
    let text = "Saved";
    if (retryTimer) {
      state = "retrying";
      text = navigator.onLine
        ? `Not saved, retrying (${waiting} waiting)`
        : `Offline: ${waiting} change${waiting === 1 ? "" : "s"} waiting`;
    } else if (sending || waiting) {
      state = "saving";
      text = "Saving…";
    } else if (refused) {
      state = "refused";
      text = `Not saved: ${refused} refused`;
    }
    statusBadge.dataset.state = state;
    statusBadge.textContent = text;
    statusBadge.className = `badge ${{ saved: "text-bg-success", saving: "text-bg-secondary", retrying: "text-bg-danger", refused: "text-bg-danger" }[state]}`;
  }

  // ---- Problems and notices -------------------------------------------------------------------

  function showProblem(kind, message, value) {
    let item = kind === "refused" ? null : problemsBox.querySelector(`[data-problem="${kind}"]`);
    if (!item) {
      item = document.createElement("div");
      item.className = "save-problem";
      item.dataset.problem = kind;
      problemsBox.append(item);
    }
    item.replaceChildren();
    const text = document.createElement("p");
    text.className = "mb-1";
    text.dir = "auto";
    text.textContent = message;
    item.append(text);
    if (value) {
      const copy = document.createElement("textarea");
      copy.className = "form-control form-control-sm mb-1";
      copy.readOnly = true;
      copy.dir = "auto";
      copy.rows = 2;
      copy.value = value;
      copy.setAttribute("aria-label", "The text that was not saved, to copy");
      item.append(copy);
    }
    if (kind !== "session") {
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "btn btn-outline-secondary btn-sm";
      dismiss.dataset.action = "dismiss";
      dismiss.textContent = "Dismiss";
      item.append(dismiss);
    }
    problemsBox.classList.remove("d-none");
    showStatus();
  }

  function dropProblem(kind) {
    for (const item of problemsBox.querySelectorAll(`[data-problem="${kind}"]`)) item.remove();
    if (!problemsBox.children.length) problemsBox.classList.add("d-none");
  }

  function describe(change) {
    if (change.type === "follow-up") return "A follow-up question";
    const section = document.getElementById(`q-${change.question}`);
    const label = section ? section.dataset.label : "A question";
    const field = change.key.split(":")[1];
    const what = field === "score" ? "rating" : field === "notes" ? "notes" : field.startsWith("mark-") ? "a point's mark" : field;
    return `${label}, ${what}`;
  }

  function refuse(change, reason) {
    const value = change.type === "follow-up" ? change.fields.prompt : change.fields.notes;
    showProblem("refused", `Not saved: ${describe(change)}: ${reason}`, value);
  }

  let noticeTimer = null;
  function notice(message) {
    noticeBox.textContent = message;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (noticeBox.textContent = ""), 8000);
  }

  problemsBox.addEventListener("click", (event) => {
    if (event.target.dataset.action !== "dismiss") return;
    event.target.closest(".save-problem").remove();
    dropProblem("none");
    showStatus();
  });

  // ---- What the server holds, and what other tabs saved ------------------------------------------

  const channel = "BroadcastChannel" in window ? new BroadcastChannel(storageKey) : null;

  function received(change, data) {
    if (change.type === "follow-up") {
      insertFollowUp(data);
      if (channel) channel.postMessage({ type: "follow-up", data });
      return;
    }
    const section = document.getElementById(`q-${change.question}`);
    if (section) adoptServer(section, data, { stale: data.stale || [], change });
    if (channel) channel.postMessage({ type: "saved", question: change.question, data });
  }

  if (channel) {
    channel.onmessage = ({ data: message }) => {
      if (message.type === "follow-up") insertFollowUp(message.data);
      else if (message.type === "saved") {
        const section = document.getElementById(`q-${message.question}`);
        if (section) adoptServer(section, message.data, { remote: true });
      }
    };
  }

  // Show each field the server holds a later version of than this tab knows. A field this tab
  // changed since is newer still, and stays as it is (its own change is on its way).
  function adoptServer(section, data, { stale = [], change = null, remote = false }) {
    const versions = data.versions || {};
    const known = versionsOf(section);
    const shown = [];
    const take = (key, apply) => {
      if ((versions[key] || 0) <= (known[key] || 0)) return;
      apply();
      known[key] = versions[key];
      shown.push(key);
    };
    take("score", () => {
      setView(section, "score", data.score == null ? "" : String(data.score));
      setView(section, "skipped", data.skipped ? "1" : "0");
    });
    if ("notes" in data) take("notes", () => setView(section, "notes", data.notes));
    for (const [point, mark] of Object.entries(data.marks || {})) {
      take(`mark-${point}`, () => setView(section, `mark-${point}`, mark == null ? "" : String(mark)));
    }
    updateState(section);
    for (const key of stale) {
      const lost = change && key === "notes" ? change.fields.notes : null;
      const what = describe({ type: "answer", question: section.dataset.question, key: `x:${key}` });
      showProblem("replaced", `${what}: a later edit from another tab was kept, and is shown.${lost != null ? " Yours was:" : ""}`, lost);
    }
    if (remote && shown.length) notice(`${section.dataset.label}: updated from another tab.`);
  }

  function versionsOf(section) {
    if (!section.versions) {
      try {
        section.versions = JSON.parse(section.dataset.versions || "{}");
      } catch {
        section.versions = {};
      }
    }
    return section.versions;
  }

  function setView(section, field, value) {
    if (field === "notes") {
      const textarea = section.querySelector("textarea[name=notes]");
      if (textarea.value !== value) textarea.value = value;
    } else if (field === "skipped") {
      skipBox(section).checked = value === "1";
    } else {
      for (const radio of section.querySelectorAll(`input[name="${field}"]`)) radio.checked = radio.value === value;
    }
  }

  // A change from storage (before a reload, or a gone tab's) shows at once, if it is newer.
  function showPending(change) {
    if (change.type !== "answer") return;
    const section = document.getElementById(`q-${change.question}`);
    if (!section) return;
    const known = versionsOf(section);
    const key = change.key.split(":")[1];
    if ((known[key] || 0) > change.version) return;
    known[key] = change.version;
    for (const [field, value] of Object.entries(change.fields)) {
      setView(section, field, value);
      if (field === "score" && value) setView(section, "skipped", "0");
      if (field === "skipped" && value === "1") setView(section, "score", "");
    }
    updateState(section);
  }

  // ---- Questions, one at a time ---------------------------------------------------------------

  const sections = () => Array.from(questionsBox.querySelectorAll(".live-question"));
  const skipBox = (section) => section.querySelector("input[type=checkbox][name=skipped]");
  let current = null;
  let questionShownAt = Date.now();

  function show(section) {
    if (!section) return;
    for (const other of sections()) other.classList.toggle("current", other === section);
    for (const item of navigator_.querySelectorAll("[data-nav]")) {
      const active = item.dataset.nav === section.dataset.question;
      item.classList.toggle("active", active);
      if (active) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
    if (current !== section) questionShownAt = Date.now();
    current = section;
    try {
      sessionStorage.setItem(`${storageKey}:question`, section.dataset.question);
    } catch {
      // Without it a reload starts at the first untouched question.
    }
    tick();
  }

  function step(offset) {
    const all = sections();
    const index = all.indexOf(current) + offset;
    if (index >= 0 && index < all.length) {
      show(all[index]);
      window.scrollTo({ top: 0 });
    }
  }

  // Record a change to one field: at once in storage, sent now or (notes) in a moment.
  function answerChange(section, field, value) {
    const key = field === "skipped" ? "score" : field;
    const version = nextVersion();
    versionsOf(section)[key] = version;
    const question = section.dataset.question;
    sequence += 1;
    enqueue({
      id: `${tabId}:${sequence}`,
      type: "answer",
      question,
      key: `${question}:${key}`,
      url: section.querySelector(".answer-form").action,
      fields: { [field]: value },
      version,
      dueAt: field === "notes" ? Date.now() + NOTES_DELAY : 0,
    });
  }

  function updateState(section) {
    const score = section.querySelector("input[name=score]:checked");
    const skipped = skipBox(section).checked;
    const state = score ? "rated" : skipped ? "skipped" : "untouched";
    section.dataset.state = state;
    const item = navigator_.querySelector(`[data-nav="${section.dataset.question}"]`);
    if (item) {
      item.dataset.state = state;
      item.querySelector("[data-score-of]").textContent = score ? score.value : "";
    }
  }

  function setScore(section, value) {
    const radio = section.querySelector(`input[name=score][value="${value}"]`);
    const clearing = radio.checked;
    radio.checked = !clearing;
    if (!clearing) skipBox(section).checked = false;
    answerChange(section, "score", clearing ? "" : value);
    updateState(section);
  }

  function setMark(section, point, value) {
    for (const radio of point.querySelectorAll("input[type=radio]")) radio.checked = radio.value === value;
    answerChange(section, `mark-${point.dataset.point}`, value);
  }

  const MARK_CYCLE = ["", "2", "1", "0"]; // unmarked, covered, partial, missed

  function cycleMark(section, point) {
    const checked = point.querySelector("input[type=radio]:checked");
    const next = MARK_CYCLE[(MARK_CYCLE.indexOf(checked ? checked.value : "") + 1) % MARK_CYCLE.length];
    setMark(section, point, next);
  }

  function setSkipped(section, skipped) {
    skipBox(section).checked = skipped;
    if (skipped) for (const radio of section.querySelectorAll("input[name=score]")) radio.checked = false;
    answerChange(section, "skipped", skipped ? "1" : "0");
    updateState(section);
  }

  // Radios cannot be unchecked by clicking; ours can, so a slip of the finger is undone.
  questionsBox.addEventListener("pointerdown", (event) => {
    const label = event.target.closest("label[for]");
    const radio = label ? document.getElementById(label.htmlFor) : null;
    if (radio && radio.type === "radio") radio.dataset.wasChecked = radio.checked ? "1" : "";
  });

  questionsBox.addEventListener("click", (event) => {
    const radio = event.target;
    if (radio.type !== "radio" || radio.dataset.wasChecked !== "1") return;
    radio.dataset.wasChecked = "";
    radio.checked = false;
    const section = radio.closest(".live-question");
    if (radio.name === "score") {
      answerChange(section, "score", "");
      updateState(section);
    } else {
      answerChange(section, radio.name, "");
    }
  });

  questionsBox.addEventListener("change", (event) => {
    const input = event.target;
    const section = input.closest(".live-question");
    if (!section || !input.closest(".answer-form")) return;
    if (input.name === "score") {
      skipBox(section).checked = false;
      answerChange(section, "score", input.value);
      updateState(section);
    } else if (input.name.startsWith("mark-")) {
      answerChange(section, input.name, input.value);
    } else if (input.name === "skipped") {
      setSkipped(section, input.checked);
    }
  });

  // Every keystroke is stored at once; the sending waits for a pause in the typing.
  questionsBox.addEventListener("input", (event) => {
    if (event.target.name !== "notes") return;
    answerChange(event.target.closest(".live-question"), "notes", event.target.value);
  });
  questionsBox.addEventListener("focusout", (event) => {
    if (event.target.name !== "notes") return;
    for (const change of queue) change.dueAt = 0;
    flush();
  });

  questionsBox.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.classList.contains("follow-up-form")) return;
    const section = form.closest(".live-question");
    const key = newKey();
    sequence += 1;
    enqueue({
      id: `${tabId}:${sequence}`,
      type: "follow-up",
      question: section.dataset.question,
      key: `follow-up:${key}`,
      url: form.action,
      fields: { prompt: form.prompt.value, points: form.points.value, client_key: key },
      version: nextVersion(),
    });
    form.reset();
    section.querySelector("details.follow-up").open = false;
    notice(`Follow-up added after ${section.dataset.label}: it appears in the list of questions once saved.`);
  });

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // A new follow-up joins the list and the navigator; the question on screen and the focus
  // stay where they are, so that the interviewer's next keys go where they meant them to.
  function insertFollowUp(data) {
    if (document.getElementById(`q-${data.id}`)) return; // a retried request, or another tab's
    const after = document.getElementById(`q-${data.after}`);
    if (!after) return;
    const siblings = sections().filter((s) => s.dataset.position === after.dataset.position);
    const last = siblings[siblings.length - 1];
    last.insertAdjacentHTML("afterend", data.html);
    const lastItem = navigator_.querySelector(`[data-nav="${last.dataset.question}"]`).closest("li");
    lastItem.insertAdjacentHTML("afterend", data.navigator_html);
    const added = document.getElementById(`q-${data.id}`);
    for (const element of added.querySelectorAll("[data-no-js]")) element.remove();
    notice(`${added.dataset.label} added to the list of questions.`);
  }

  navigator_.addEventListener("click", (event) => {
    const item = event.target.closest("[data-nav]");
    if (!item) return;
    event.preventDefault();
    show(document.getElementById(`q-${item.dataset.nav}`));
  });

  live.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "next") step(1);
    else if (action === "previous") step(-1);
    else if (action === "finish" && queue.length) {
      // Leave only once everything has reached the server.
      event.preventDefault();
      leaveTo = button.href;
      for (const change of queue) change.dueAt = 0;
      flush();
    }
  });

  // ---- Keyboard ---------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    const typing = target.matches("textarea, input[type=text], input[type=search], select");
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    const key = event.key;
    const help = document.getElementById("live-help");
    if (help.classList.contains("show")) {
      // The help is open: ? and Esc close it, whatever has the focus.
      if (key === "?" || key === "Escape") {
        bootstrap.Modal.getOrCreateInstance(help).hide();
        event.preventDefault();
      }
      return;
    }
    if (!current) return;
    let handled = true;
    if (key === "n" || key === "ArrowRight") step(1);
    else if (key === "p" || key === "ArrowLeft") step(-1);
    else if (["1", "2", "3", "4"].includes(key)) setScore(current, key);
    else if (key === "e") current.querySelector("textarea[name=notes]").focus();
    else if (key === "x") setSkipped(current, !skipBox(current).checked);
    else if (key === "+") {
      const details = current.querySelector("details.follow-up");
      details.open = true;
      details.querySelector("textarea[name=prompt]").focus();
    } else if (key === "?") bootstrap.Modal.getOrCreateInstance(help).show();
    else {
      const point = current.querySelector(`.live-point[data-key="${CSS.escape(key)}"]`);
      if (point) cycleMark(current, point);
      else handled = false;
    }
    if (handled) event.preventDefault();
  });

  // ---- Leaving, and coming back -------------------------------------------------------------

  window.addEventListener("online", () => {
    clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = 0;
    flush();
  });
  window.addEventListener("offline", showStatus);
  window.addEventListener("beforeunload", (event) => {
    if (queue.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", () => {
    sendAllNow();
    storeQueue(0); // any other tab may take the queue over at once
    gone = true;
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    gone = false; // back from the back-forward cache
    storeQueue();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") sendAllNow();
  });
  window.addEventListener("storage", (event) => {
    if (event.key && event.key.startsWith(`${storageKey}:`) && event.key !== ownKey) adoptOrphans();
  });

  // ---- Clocks, and the tab's heartbeat ------------------------------------------------------

  const startedAt = live.dataset.startedAt ? Date.parse(live.dataset.startedAt) : null;
  const interviewClock = live.querySelector("[data-clock=interview]");
  const questionClock = live.querySelector("[data-clock=question]");

  function duration(milliseconds) {
    const seconds = Math.max(0, Math.floor(milliseconds / 1000));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
  }

  function tick() {
    interviewClock.textContent = startedAt ? duration(Date.now() - startedAt) : "not started";
    questionClock.textContent = duration(Date.now() - questionShownAt);
  }
  setInterval(() => {
    tick();
    if (queue.length) storeQueue();
    adoptOrphans();
  }, HEARTBEAT);

  // ---- Start ------------------------------------------------------------------------------

  // The page opens at its top, on the question asked for (?question= or #q-), the one this tab
  // was on before a reload, or the first untouched one; the address is left alone.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  const asked = new URLSearchParams(window.location.search).get("question") || window.location.hash.replace(/^#q-/, "");
  let remembered = null;
  try {
    remembered = sessionStorage.getItem(`${storageKey}:question`);
  } catch {
    remembered = null;
  }
  if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
  const byId = (id) => (id ? document.getElementById(`q-${id}`) : null);
  show(byId(asked) || byId(remembered) || sections().find((s) => s.dataset.state === "untouched") || sections()[0]);
  window.scrollTo(0, 0);
  adoptOrphans();
  showStatus();
  flush();
})();
