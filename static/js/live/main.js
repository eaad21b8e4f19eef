// The live interview page: one question at a time, keyboard first, and every change saved.
//
// Every change is written to localStorage the moment it is made; only the sending waits (a
// moment for notes, while typing goes on). Each tab keeps its own queue under its own key, so
// two tabs never overwrite each other's; a queue whose tab has gone is adopted by any other
// tab of the scorecard, or by the page when it opens again. Each change carries the time it
// was made as its version (queue.js). Tabs tell each other what was saved over a
// BroadcastChannel and show it.
//
// This module wires the others to the page: storage.js (the queue in localStorage), queue.js
// (the queue and its versions), view.js (what the page shows), keys.js (the keyboard).

import { listenToKeys } from "./keys.js";
import { Outbox, inVersionOrder, legacyChanges, nextVersion, outcomeOf } from "./queue.js";
import { newKey, readSession, storeChanges, swapSession, takeLegacy, takeOrphans, writeSession } from "./storage.js";
import { LiveView, showFieldError, skipBox } from "./view.js";

const NOTES_DELAY = 600;
const HEARTBEAT = 1000;
const MARK_CYCLE = ["", "2", "1", "0"]; // unmarked, covered, partial, missed

const live = document.getElementById("live");
if (live) start(live);

// A storage the browser refuses (disabled, or a sandbox) is null: every use of it then fails
// softly, as each use of a full one does.
function reachable(name) {
  try {
    return window[name];
  } catch {
    return null;
  }
}

function start(live) {
  live.classList.add("live-js");
  for (const element of live.querySelectorAll("[data-no-js]")) element.remove();

  const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const storageKey = live.dataset.storageKey;
  const view = new LiveView(live);
  const local = reachable("localStorage");
  const session = reachable("sessionStorage");
  const { questionsBox, problemsBox } = view;

  // ---- Storage: one queue per tab ----

  const tabId = newKey();
  const ownKey = `${storageKey}:${tabId}`;
  // No session storage: a reload is then adopted like any other gone tab.
  const previousTab = swapSession(session, `${storageKey}:tab`, tabId);
  let sequence = 0;
  let lastVersion = 0;
  let leaveTo = null;

  // Once the page is hidden for good (closed, reloaded, left) its queue is stored one last
  // time, for another tab or the next page to adopt; a timer or an answer arriving after
  // that must not store it again over what the adopter has done.
  let gone = false;

  function storeQueue(alive = Date.now()) {
    if (!gone) storeChanges(local, ownKey, outbox.queue, alive);
  }

  const outbox = new Outbox({
    send,
    store: () => storeQueue(),
    changed: () => view.showStatus(),
    drained: () => {
      if (leaveTo) window.location.assign(leaveTo);
    },
  });
  view.queueState = () => ({ retrying: outbox.retrying, sending: outbox.sending, waiting: outbox.queue.length });

  // Take over the queues of tabs that have gone (closed, crashed, or this tab before a reload).
  function adoptOrphans() {
    const orphans = takeOrphans(local, {
      prefix: `${storageKey}:`,
      ownKey,
      previousKey: `${storageKey}:${previousTab}`,
      now: Date.now(),
    });
    if (!orphans) return;
    const adopted = [...orphans, ...legacyChanges(takeLegacy(local, live.dataset.legacyStorageKey))];
    if (!adopted.length) return;
    for (const change of inVersionOrder(adopted)) {
      view.showPending(change);
      outbox.add(change, { quiet: true });
    }
    storeQueue();
    outbox.flush();
  }

  // ---- Sending ----

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
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    const outcome = outcomeOf({ status: response.status, ok: response.ok, redirected: response.redirected, json });
    if (outcome === "not-found") {
      refuse(change, "this interview or question is no longer open to you.");
      return "refused";
    }
    // Logged out, a stale form token, or a proxy's error page: keep the change and retry.
    if (outcome === "session-ended") view.showProblem("session", "Your session has ended: log in again in another tab; your changes are kept here and will be sent.");
    else if (outcome === "stale-token") view.showProblem("session", "Not saved yet: reload the page; your changes are kept and will be sent.");
    if (!json) return "retry";
    const data = await response.json();
    if (outcome === "sent") {
      view.dropProblem("session");
      received(change, data);
      return "sent";
    }
    if (outcome === "retry") return "retry";
    // Refused (a locked scorecard, a bad value): it will never be accepted, so it leaves the
    // queue and stays on the page, with its text, for the interviewer to copy.
    refuse(change, data.error);
    return "refused";
  }

  function refuse(change, reason) {
    const value = change.type === "follow-up" ? change.fields.prompt : change.fields.notes;
    view.showProblem("refused", `Not saved: ${view.describe(change)}: ${reason}`, value);
  }

  problemsBox.addEventListener("click", (event) => {
    if (event.target.dataset.action !== "dismiss") return;
    event.target.closest(".save-problem").remove();
    view.dropProblem("none");
    view.showStatus();
  });

  // ---- What the server holds, and what other tabs saved ----

  const channel = "BroadcastChannel" in window ? new BroadcastChannel(storageKey) : null;

  let warnedOfName = false;

  function received(change, data) {
    if (change.type === "follow-up") {
      view.insertFollowUp(data);
      if (channel) channel.postMessage({ type: "follow-up", data });
      return;
    }
    if (data.names_candidate && !warnedOfName) {
      warnedOfName = true;
      view.showProblem("names-candidate", "This interview is anonymised, and your note names the candidate: consider leaving names out of your notes.");
    }
    const section = view.section(change.question);
    if (section) view.adoptServer(section, data, { stale: data.stale || [], change });
    if (channel) channel.postMessage({ type: "saved", question: change.question, data });
  }

  if (channel) {
    channel.onmessage = ({ data: message }) => {
      if (message.type === "follow-up") view.insertFollowUp(message.data);
      else if (message.type === "saved") {
        const section = view.section(message.question);
        if (section) view.adoptServer(section, message.data, { remote: true });
      }
    };
  }

  // ---- Changes ----

  function show(section) {
    if (!section) return;
    view.show(section);
    writeSession(session, `${storageKey}:question`, section.dataset.question);
  }

  function step(offset) {
    const section = view.stepFrom(offset);
    if (section) {
      show(section);
      window.scrollTo({ top: 0 });
    }
  }

  // Record a change to one field: at once in storage, sent now or (notes) in a moment.
  function answerChange(section, field, value) {
    const key = field === "skipped" ? "score" : field;
    lastVersion = nextVersion(lastVersion, Date.now());
    const version = lastVersion;
    view.versionsOf(section)[key] = version;
    const question = section.dataset.question;
    sequence += 1;
    outbox.add({
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

  function setScore(section, value) {
    const radio = section.querySelector(`input[name=score][value="${value}"]`);
    const clearing = radio.checked;
    radio.checked = !clearing;
    if (!clearing) skipBox(section).checked = false;
    answerChange(section, "score", clearing ? "" : value);
    view.updateState(section);
  }

  function setMark(section, point, value) {
    for (const radio of point.querySelectorAll("input[type=radio]")) radio.checked = radio.value === value;
    answerChange(section, `mark-${point.dataset.point}`, value);
  }

  function cycleMark(section, point) {
    const checked = point.querySelector("input[type=radio]:checked");
    const next = MARK_CYCLE[(MARK_CYCLE.indexOf(checked ? checked.value : "") + 1) % MARK_CYCLE.length];
    setMark(section, point, next);
  }

  function setSkipped(section, skipped) {
    skipBox(section).checked = skipped;
    if (skipped) for (const radio of section.querySelectorAll("input[name=score]")) radio.checked = false;
    answerChange(section, "skipped", skipped ? "1" : "0");
    view.updateState(section);
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
      view.updateState(section);
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
      view.updateState(section);
    } else if (input.name.startsWith("mark-")) {
      answerChange(section, input.name, input.value);
    } else if (input.name === "skipped") {
      setSkipped(section, input.checked);
    }
  });

  // Every keystroke is stored at once; the sending waits for a pause in the typing.
  // Notes over the limit stay on the page, refused beside the field, and are not sent.
  questionsBox.addEventListener("input", (event) => {
    if (event.target.name === "prompt") showFieldError(event.target, event.target.parentElement.querySelector("[data-follow-up-error]"), "");
    if (event.target.name !== "notes") return;
    if (!view.checkNotes(event.target)) return;
    answerChange(event.target.closest(".live-question"), "notes", event.target.value);
  });
  questionsBox.addEventListener("focusout", (event) => {
    if (event.target.name !== "notes") return;
    outbox.hurry();
  });

  questionsBox.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.classList.contains("follow-up-form")) return;
    const section = form.closest(".live-question");
    if (!form.prompt.value.trim()) {
      showFieldError(form.prompt, form.querySelector("[data-follow-up-error]"), "Write the follow-up question.");
      form.prompt.focus();
      return;
    }
    const key = newKey();
    sequence += 1;
    lastVersion = nextVersion(lastVersion, Date.now());
    outbox.add({
      id: `${tabId}:${sequence}`,
      type: "follow-up",
      question: section.dataset.question,
      key: `follow-up:${key}`,
      url: form.action,
      fields: { prompt: form.prompt.value, points: form.points.value, client_key: key },
      version: lastVersion,
    });
    form.reset();
    section.querySelector("details.follow-up").open = false;
    view.notice(`Follow-up added after ${section.dataset.label}: it appears in the list of questions once saved.`);
  });

  view.navigator.addEventListener("click", (event) => {
    const item = event.target.closest("[data-nav]");
    if (!item) return;
    event.preventDefault();
    show(view.section(item.dataset.nav));
  });

  live.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "next") step(1);
    else if (action === "previous") step(-1);
    else if (action === "finish" && outbox.queue.length) {
      // Leave only once everything has reached the server.
      event.preventDefault();
      leaveTo = button.href;
      outbox.hurry();
    }
  });

  listenToKeys({
    current: () => view.current,
    step,
    setScore,
    toggleSkipped: (section) => setSkipped(section, !skipBox(section).checked),
    cycleMark,
  });

  // ---- Leaving, and coming back ----

  window.addEventListener("online", () => outbox.resume());
  window.addEventListener("offline", () => view.showStatus());
  window.addEventListener("beforeunload", (event) => {
    if (outbox.queue.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", () => {
    outbox.sendAllNow();
    storeQueue(0); // any other tab may take the queue over at once
    gone = true;
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    gone = false; // back from the back-forward cache
    storeQueue();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") outbox.sendAllNow();
  });
  window.addEventListener("storage", (event) => {
    if (event.key && event.key.startsWith(`${storageKey}:`) && event.key !== ownKey) adoptOrphans();
  });

  // ---- Clocks, and the tab's heartbeat ----

  setInterval(() => {
    view.tick();
    if (outbox.queue.length) storeQueue();
    adoptOrphans();
  }, HEARTBEAT);

  // ---- Start ----

  // The page opens at its top, on the question asked for (?question= or #q-), the one this tab
  // was on before a reload, or the first untouched one; the address is left alone.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  const asked = new URLSearchParams(window.location.search).get("question") || window.location.hash.replace(/^#q-/, "");
  const remembered = readSession(session, `${storageKey}:question`);
  if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
  for (const textarea of questionsBox.querySelectorAll("textarea[name=notes]")) view.checkNotes(textarea);
  const sections = view.sections();
  show(view.section(asked) || view.section(remembered) || sections.find((s) => s.dataset.state === "untouched") || sections[0]);
  window.scrollTo(0, 0);
  adoptOrphans();
  view.showStatus();
  outbox.flush();
}
