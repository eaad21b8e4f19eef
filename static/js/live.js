// The live interview page: one question at a time, keyboard first, and every change saved at
// once. Changes go through a queue that is kept in localStorage and sent in order, so nothing
// typed is lost when the network drops or the page reloads. Each change sets a value, so
// sending one twice is harmless.
(() => {
  "use strict";

  const live = document.getElementById("live");
  if (!live) return;
  live.classList.add("live-js");

  const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const storageKey = live.dataset.storageKey;
  const statusBadge = document.getElementById("save-status");
  const errorBox = document.getElementById("save-error");
  const questionsBox = document.getElementById("questions");
  const navigator_ = document.getElementById("navigator");
  const NOTES_DELAY = 600;
  const MAX_RETRY_DELAY = 10000;

  // ---- The queue of unsent changes -------------------------------------------------------

  let queue = loadQueue();
  let sending = false;
  let retryDelay = 0;
  let retryTimer = null;
  let leaveTo = null;

  function loadQueue() {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || [];
    } catch {
      return [];
    }
  }

  function saveQueue() {
    try {
      if (queue.length) localStorage.setItem(storageKey, JSON.stringify(queue));
      else localStorage.removeItem(storageKey);
    } catch {
      // Storage full or disabled: the queue still lives in this page.
    }
  }

  function enqueue(change) {
    // A newer value of the same field replaces one still waiting, and goes to the end so
    // that the order of different fields (a score after a skip) is kept.
    const firstWaiting = sending ? 1 : 0;
    queue = queue.filter((queued, index) => index < firstWaiting || queued.key !== change.key);
    queue.push(change);
    saveQueue();
    showStatus();
    flush();
  }

  async function flush() {
    if (sending || retryTimer || !queue.length) return;
    sending = true;
    showStatus();
    const change = queue[0];
    let outcome;
    try {
      outcome = await send(change);
    } catch {
      outcome = "retry";
    }
    sending = false;
    if (outcome === "retry") {
      retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, MAX_RETRY_DELAY);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        flush();
      }, retryDelay);
    } else {
      queue.shift();
      saveQueue();
      retryDelay = 0;
    }
    showStatus();
    if (!queue.length && leaveTo) window.location.assign(leaveTo);
    flush();
  }

  async function send(change) {
    const response = await fetch(change.url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: new URLSearchParams(change.fields),
      credentials: "same-origin",
    });
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!isJson) {
      if (response.status === 404) {
        showError("Not saved: this interview is no longer open to you.");
        return "refused";
      }
      // Logged out, a stale form token, or a proxy's error page: keep the change and retry.
      if (response.redirected) showError("Your session has ended: log in again in another tab; your changes are kept here.");
      else if (response.status === 403) showError("Not saved yet: reload the page; your changes are kept and will be sent.");
      return "retry";
    }
    const data = await response.json();
    if (response.ok) {
      hideError();
      if (change.type === "follow-up") insertFollowUp(data);
      return "sent";
    }
    if (response.status >= 500 || response.status === 429) return "retry";
    // The server refused it (locked scorecard, bad value): it will never be accepted.
    showError(`Not saved: ${data.error}`);
    return "refused";
  }

  function showStatus() {
    const waiting = queue.length;
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
    }
    statusBadge.dataset.state = state;
    statusBadge.textContent = text;
    statusBadge.className = `badge ${{ saved: "text-bg-success", saving: "text-bg-secondary", retrying: "text-bg-danger" }[state]}`;
  }

  function showError(message) {
    if (!message) return;
    errorBox.textContent = message;
    errorBox.classList.remove("d-none");
  }

  function hideError() {
    errorBox.classList.add("d-none");
  }

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

  // ---- Questions, one at a time -----------------------------------------------------------

  const sections = () => Array.from(questionsBox.querySelectorAll(".live-question"));
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
    history.replaceState(null, "", `#${section.id}`);
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

  function answerChange(section, field, value) {
    const form = section.querySelector(".answer-form");
    enqueue({
      type: "answer",
      key: `${section.dataset.question}:${field}`,
      url: form.action,
      fields: { [field]: value },
    });
  }

  function updateState(section) {
    const score = section.querySelector("input[name=score]:checked");
    const skipped = section.querySelector("input[type=checkbox][name=skipped]").checked;
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
    if (!clearing) section.querySelector("input[type=checkbox][name=skipped]").checked = false;
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
    section.querySelector("input[type=checkbox][name=skipped]").checked = skipped;
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
      section.querySelector("input[type=checkbox][name=skipped]").checked = false;
      answerChange(section, "score", input.value);
      updateState(section);
    } else if (input.name.startsWith("mark-")) {
      answerChange(section, input.name, input.value);
    } else if (input.name === "skipped") {
      setSkipped(section, input.checked);
    }
  });

  const notesTimers = new Map();
  function saveNotes(textarea) {
    clearTimeout(notesTimers.get(textarea));
    notesTimers.delete(textarea);
    answerChange(textarea.closest(".live-question"), "notes", textarea.value);
  }
  questionsBox.addEventListener("input", (event) => {
    if (event.target.name !== "notes") return;
    clearTimeout(notesTimers.get(event.target));
    notesTimers.set(event.target, setTimeout(() => saveNotes(event.target), NOTES_DELAY));
    statusBadge.textContent = "Typing…";
  });
  questionsBox.addEventListener("focusout", (event) => {
    if (event.target.name === "notes" && notesTimers.has(event.target)) saveNotes(event.target);
  });

  questionsBox.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.classList.contains("follow-up-form")) return;
    const section = form.closest(".live-question");
    enqueue({
      type: "follow-up",
      key: `follow-up:${newKey()}`,
      url: form.action,
      fields: { prompt: form.prompt.value, points: form.points.value, client_key: newKey() },
    });
    form.reset();
    section.querySelector("details.follow-up").open = false;
  });

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function insertFollowUp(data) {
    if (document.getElementById(`q-${data.id}`)) return; // a retried request
    const after = document.getElementById(`q-${data.after}`);
    const siblings = sections().filter((s) => s.dataset.position === after.dataset.position);
    const last = siblings[siblings.length - 1];
    last.insertAdjacentHTML("afterend", data.html);
    const lastItem = navigator_.querySelector(`[data-nav="${last.dataset.question}"]`).closest("li");
    lastItem.insertAdjacentHTML("afterend", data.navigator_html);
    show(document.getElementById(`q-${data.id}`));
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
    else if (key === "x") setSkipped(current, !current.querySelector("input[type=checkbox][name=skipped]").checked);
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

  // ---- Clocks -----------------------------------------------------------------------------

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
  setInterval(tick, 1000);

  // ---- Start ------------------------------------------------------------------------------

  // Changes still waiting from before a reload are shown, then sent.
  for (const change of queue) {
    if (change.type !== "answer") continue;
    const section = document.getElementById(`q-${change.key.split(":")[0]}`);
    if (!section) continue;
    const [field, value] = Object.entries(change.fields)[0];
    if (field === "notes") section.querySelector("textarea[name=notes]").value = value;
    else if (field === "skipped") section.querySelector("input[type=checkbox][name=skipped]").checked = value === "1";
    else {
      for (const radio of section.querySelectorAll(`input[name="${field}"]`)) radio.checked = radio.value === value;
      if (field === "score" && value) section.querySelector("input[type=checkbox][name=skipped]").checked = false;
    }
    updateState(section);
  }
  const fromHash = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  show((fromHash && fromHash.classList.contains("live-question") && fromHash) || sections().find((s) => s.dataset.state === "untouched") || sections()[0]);
  showStatus();
  flush();
})();
