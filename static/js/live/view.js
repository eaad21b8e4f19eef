// What the live page shows: the question on screen, the answers, the save status, problems,
// notices and clocks. LiveView holds the page's elements; it changes nothing on the server.

import { isCurrent, isNewer } from "./queue.js";

const BADGES = { saved: "text-bg-success", saving: "text-bg-secondary", retrying: "text-bg-danger", refused: "text-bg-danger" };

// The save status, from the queue's state: retrying beats saving, which beats refused changes.
// `unavailable`: the server answered 503 (its database or cache is down for a moment).
export function statusOf({ retrying, sending, waiting, refused, online, unavailable = false }) {
  if (retrying) {
    let text = `Not saved, retrying (${waiting} waiting)`;
    if (!online) text = `Offline: ${waiting} change${waiting === 1 ? "" : "s"} waiting`;
    else if (unavailable) text = `Server unavailable, retrying (${waiting} waiting)`;
    return { state: "retrying", text };
  }
  if (sending || waiting) return { state: "saving", text: "Saving…" };
  if (refused) return { state: "refused", text: `Not saved: ${refused} refused` };
  return { state: "saved", text: "Saved" };
}

export function duration(milliseconds) {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

// What to say of notes of `length` characters, of at most `limit`: nothing below 90 % of it,
// a count from there on, and a refusal over it.
export function notesCount(length, limit) {
  const count = `${length.toLocaleString("en")} / ${limit.toLocaleString("en")}`;
  if (length > limit) {
    return { count, error: `Notes are at most ${limit.toLocaleString("en")} characters: remove ${(length - limit).toLocaleString("en")} to save them.` };
  }
  return { count: length >= limit * 0.9 ? count : "", error: "" };
}

// Show `message` next to `field` (its .invalid-feedback), or clear it when empty.
export function showFieldError(field, feedback, message) {
  field.classList.toggle("is-invalid", Boolean(message));
  feedback.textContent = message;
}

export const skipBox = (section) => section.querySelector("input[type=checkbox][name=skipped]");

export class LiveView {
  constructor(live) {
    this.live = live;
    this.statusBadge = document.getElementById("save-status");
    this.problemsBox = document.getElementById("save-problems");
    this.noticeBox = document.getElementById("sync-notice");
    this.questionsBox = document.getElementById("questions");
    this.navigator = document.getElementById("navigator");
    this.startedAt = live.dataset.startedAt ? Date.parse(live.dataset.startedAt) : null;
    this.interviewClock = live.querySelector("[data-clock=interview]");
    this.questionClock = live.querySelector("[data-clock=question]");
    this.current = null;
    this.questionShownAt = Date.now();
    this.noticeTimer = null;
    // What the queue is doing, for the status: set by whoever owns the queue.
    this.queueState = () => ({ retrying: false, sending: false, waiting: 0 });
  }

  sections() {
    return Array.from(this.questionsBox.querySelectorAll(".live-question"));
  }

  section(question) {
    return question ? document.getElementById(`q-${question}`) : null;
  }

  // ---- The question on screen ----

  show(section) {
    if (!section) return;
    for (const other of this.sections()) other.classList.toggle("current", other === section);
    for (const item of this.navigator.querySelectorAll("[data-nav]")) {
      const active = item.dataset.nav === section.dataset.question;
      item.classList.toggle("active", active);
      if (active) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
    if (this.current !== section) this.questionShownAt = Date.now();
    this.current = section;
    this.tick();
  }

  // The section `offset` places from the one on screen, if there is one.
  stepFrom(offset) {
    const all = this.sections();
    const index = all.indexOf(this.current) + offset;
    return index >= 0 && index < all.length ? all[index] : null;
  }

  tick() {
    this.interviewClock.textContent = this.startedAt ? duration(Date.now() - this.startedAt) : "not started";
    this.questionClock.textContent = duration(Date.now() - this.questionShownAt);
  }

  // ---- Answers ----

  versionsOf(section) {
    if (!section.versions) {
      try {
        section.versions = JSON.parse(section.dataset.versions || "{}");
      } catch {
        section.versions = {};
      }
    }
    return section.versions;
  }

  // The count near the notes' limit, and the refusal over it; whether they may be saved.
  checkNotes(textarea) {
    const { count, error } = notesCount([...textarea.value].length, Number(textarea.dataset.limit));
    const box = textarea.parentElement;
    box.querySelector("[data-notes-count]").textContent = count;
    showFieldError(textarea, box.querySelector("[data-notes-error]"), error);
    return !error;
  }

  setView(section, field, value) {
    if (field === "notes") {
      const textarea = section.querySelector("textarea[name=notes]");
      if (textarea.value !== value) textarea.value = value;
      this.checkNotes(textarea);
    } else if (field === "skipped") {
      skipBox(section).checked = value === "1";
    } else {
      for (const radio of section.querySelectorAll(`input[name="${field}"]`)) radio.checked = radio.value === value;
    }
  }

  updateState(section) {
    const score = section.querySelector("input[name=score]:checked");
    const skipped = skipBox(section).checked;
    const state = score ? "rated" : skipped ? "skipped" : "untouched";
    section.dataset.state = state;
    const item = this.navigator.querySelector(`[data-nav="${section.dataset.question}"]`);
    if (item) {
      item.dataset.state = state;
      item.querySelector("[data-score-of]").textContent = score ? score.value : "";
    }
  }

  // Show each field the server holds a later version of than this tab knows. A field this tab
  // changed since is newer still, and stays as it is (its own change is on its way).
  adoptServer(section, data, { stale = [], change = null, remote = false }) {
    const versions = data.versions || {};
    const known = this.versionsOf(section);
    const shown = [];
    const take = (key, apply) => {
      if (!isNewer(versions, known, key)) return;
      apply();
      known[key] = versions[key];
      shown.push(key);
    };
    take("score", () => {
      this.setView(section, "score", data.score == null ? "" : String(data.score));
      this.setView(section, "skipped", data.skipped ? "1" : "0");
    });
    if ("notes" in data) take("notes", () => this.setView(section, "notes", data.notes));
    for (const [point, mark] of Object.entries(data.marks || {})) {
      take(`mark-${point}`, () => this.setView(section, `mark-${point}`, mark == null ? "" : String(mark)));
    }
    this.updateState(section);
    for (const key of stale) {
      const lost = change && key === "notes" ? change.fields.notes : null;
      const what = this.describe({ type: "answer", question: section.dataset.question, key: `x:${key}` });
      this.showProblem("replaced", `${what}: a later edit from another tab was kept, and is shown.${lost != null ? " Yours was:" : ""}`, lost);
    }
    if (remote && shown.length) this.notice(`${section.dataset.label}: updated from another tab.`);
  }

  // A change from storage (before a reload, or a gone tab's) shows at once, if it is newer.
  showPending(change) {
    if (change.type !== "answer") return;
    const section = this.section(change.question);
    if (!section) return;
    const known = this.versionsOf(section);
    const key = change.key.split(":")[1];
    if (!isCurrent(known, key, change.version)) return;
    known[key] = change.version;
    for (const [field, value] of Object.entries(change.fields)) {
      this.setView(section, field, value);
      if (field === "score" && value) this.setView(section, "skipped", "0");
      if (field === "skipped" && value === "1") this.setView(section, "score", "");
    }
    this.updateState(section);
  }

  // A new follow-up joins the list and the navigator; the question on screen and the focus
  // stay where they are, so that the interviewer's next keys go where they meant them to.
  insertFollowUp(data) {
    if (this.section(data.id)) return; // a retried request, or another tab's
    const after = this.section(data.after);
    if (!after) return;
    const siblings = this.sections().filter((s) => s.dataset.position === after.dataset.position);
    const last = siblings[siblings.length - 1];
    last.insertAdjacentHTML("afterend", data.html);
    const lastItem = this.navigator.querySelector(`[data-nav="${last.dataset.question}"]`).closest("li");
    lastItem.insertAdjacentHTML("afterend", data.navigator_html);
    const added = this.section(data.id);
    for (const element of added.querySelectorAll("[data-no-js]")) element.remove();
    this.notice(`${added.dataset.label} added to the list of questions.`);
  }

  // ---- Status, problems and notices ----

  showStatus() {
    const { retrying, sending, waiting, unavailable } = this.queueState();
    const refused = this.problemsBox.querySelectorAll("[data-problem=refused]").length;
    const { state, text } = statusOf({ retrying, sending, waiting, refused, online: navigator.onLine, unavailable });
    this.statusBadge.dataset.state = state;
    this.statusBadge.textContent = text;
    this.statusBadge.className = `badge ${BADGES[state]}`;
  }

  showProblem(kind, message, value) {
    let item = kind === "refused" ? null : this.problemsBox.querySelector(`[data-problem="${kind}"]`);
    if (!item) {
      item = document.createElement("div");
      item.className = "save-problem";
      item.dataset.problem = kind;
      this.problemsBox.append(item);
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
    this.problemsBox.classList.remove("d-none");
    this.showStatus();
  }

  dropProblem(kind) {
    for (const item of this.problemsBox.querySelectorAll(`[data-problem="${kind}"]`)) item.remove();
    if (!this.problemsBox.children.length) this.problemsBox.classList.add("d-none");
  }

  describe(change) {
    if (change.type === "follow-up") return "A follow-up question";
    const section = this.section(change.question);
    const label = section ? section.dataset.label : "A question";
    const field = change.key.split(":")[1];
    const what = field === "score" ? "rating" : field === "notes" ? "notes" : field.startsWith("mark-") ? "a point's mark" : field;
    return `${label}, ${what}`;
  }

  notice(message) {
    this.noticeBox.textContent = message;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.noticeBox.textContent = ""), 8000);
  }
}
