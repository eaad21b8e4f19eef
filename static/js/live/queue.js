// The queue of a tab's unsent changes, and the versions that decide between tabs.
//
// Each change carries the time it was made as its version: the server keeps, per field, the
// latest one, and answers with what it holds, so sending twice, late or out of order never
// overwrites a later edit. The functions here take their inputs as arguments; the Outbox holds
// one tab's queue and sends it, one change at a time, through the `send` it is given.

export const MAX_RETRY_DELAY = 10000;

// A change's version: the time it was made, and always later than the tab's last one.
export function nextVersion(lastVersion, now) {
  return Math.max(now, lastVersion + 1);
}

// The queue with `change` in it. A newer value of a field replaces one still waiting (not one
// on its way), and goes to the end, so that a follow-up is still made before anything typed
// after it. Null when a later value of the field is already waiting: the change is dropped.
export function withChange(queue, change) {
  const waiting = queue.find((queued) => queued.key === change.key && !queued.sending);
  if (waiting && waiting.version > change.version) return null;
  return [...queue.filter((queued) => queued !== waiting), change];
}

export function withoutChange(queue, change) {
  return queue.filter((queued) => queued.id !== change.id);
}

// A change may wait (notes, while typing goes on) only while it is the last in the queue.
export function isDue(queue, change, now) {
  return !change.dueAt || change.dueAt <= now || queue[queue.length - 1] !== change;
}

export function nextRetryDelay(delay) {
  return Math.min(delay ? delay * 2 : 1000, MAX_RETRY_DELAY);
}

// Changes from storage (another tab's, or this tab's before a reload) in the order they were made.
export function inVersionOrder(changes) {
  return [...changes].sort((a, b) => a.version - b.version);
}

// The changes of the page before versions: older than anything versioned, so they fill gaps
// and overwrite nothing later.
export function legacyChanges(changes) {
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

// What the server's answer to a change means: "sent"; "refused" (it will never be accepted);
// "not-found" (the interview or question is no longer open to this person); "session-ended"
// and "stale-token" (to be retried once the person has acted); "retry" (try again later).
export function outcomeOf({ status, ok, redirected, json }) {
  if (!json) {
    if (status === 404) return "not-found";
    if (redirected) return "session-ended";
    if (status === 403) return "stale-token";
    return "retry";
  }
  if (ok) return "sent";
  if (status >= 500 || status === 429) return "retry";
  return "refused";
}

// Whether the server's version of a field (`versions`) is later than the page's (`known`).
export function isNewer(versions, known, key) {
  return (versions[key] || 0) > (known[key] || 0);
}

// Whether a change from storage is at least as new as what the page shows of its field.
export function isCurrent(known, key, version) {
  return (known[key] || 0) <= version;
}

// One tab's queue, sent in order, one change at a time. `send(change, keepalive)` resolves to
// "sent", "refused" or "retry"; `store()` writes the queue to storage; `changed()` shows the
// status; `drained()` runs when a send leaves the queue empty. Timers and the clock can be
// given, for tests.
export class Outbox {
  constructor({
    send,
    store = () => {},
    changed = () => {},
    drained = () => {},
    now = () => Date.now(),
    setTimer = (callback, delay) => setTimeout(callback, delay),
    clearTimer = (timer) => clearTimeout(timer),
  }) {
    Object.assign(this, { send, store, changed, drained, now, setTimer, clearTimer });
    this.queue = [];
    this.sending = false;
    this.retryDelay = 0;
    this.retryTimer = null;
    this.dueTimer = null;
  }

  get retrying() {
    return Boolean(this.retryTimer);
  }

  add(change, { quiet = false } = {}) {
    const queue = withChange(this.queue, change);
    if (!queue) return;
    this.queue = queue;
    if (quiet) return;
    this.store();
    this.changed();
    this.flush();
  }

  settle(change) {
    this.queue = withoutChange(this.queue, change);
    this.store();
  }

  async flush() {
    if (this.sending || this.retryTimer || !this.queue.length) return;
    const change = this.queue[0];
    if (change.sending) return; // sent with the page as it was hidden: flushed when answered
    if (!isDue(this.queue, change, this.now())) {
      this.clearTimer(this.dueTimer);
      this.dueTimer = this.setTimer(() => this.flush(), change.dueAt - this.now());
      return;
    }
    this.sending = true;
    change.sending = true;
    this.changed();
    let outcome;
    try {
      outcome = await this.send(change);
    } catch {
      outcome = "retry";
    }
    change.sending = false;
    this.sending = false;
    if (outcome === "retry") {
      this.retryDelay = nextRetryDelay(this.retryDelay);
      this.retryTimer = this.setTimer(() => {
        this.retryTimer = null;
        this.flush();
      }, this.retryDelay);
    } else {
      this.retryDelay = 0;
      this.settle(change);
    }
    this.changed();
    if (!this.queue.length) this.drained();
    this.flush();
  }

  // Send everything waiting at once, with keepalive, as the page is hidden or closed: the
  // requests outlive the page. What they save is still in storage until answered, and
  // sending it again is harmless.
  sendAllNow() {
    for (const change of this.queue) {
      if (change.sending) continue;
      change.sending = true;
      this.send(change, true)
        .then((outcome) => {
          change.sending = false;
          if (outcome !== "retry") this.settle(change);
          this.changed();
          this.flush();
        })
        .catch(() => {
          change.sending = false;
          this.flush();
        });
    }
  }

  // Send what waits for a pause in the typing now.
  hurry() {
    for (const change of this.queue) change.dueAt = 0;
    this.flush();
  }

  // Back online: retry at once, and from the shortest delay.
  resume() {
    this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.retryDelay = 0;
    this.flush();
  }
}
