// Persistence of a tab's unsent changes in localStorage, one entry per tab under
// `<storage key>:<tab id>`, so that two tabs never overwrite each other's. Every function takes
// the Storage it works on (localStorage, sessionStorage, or a test's own) as an argument.

// A tab that has not written its entry for this long is gone: another tab may adopt it.
export const ORPHANED_AFTER = 4000;

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// What a change is in storage: all but whether it is on its way now.
export function stored(change) {
  const { sending, ...rest } = change;
  return rest;
}

// Store the tab's queue with the time it was last alive, or remove its entry once empty.
export function storeChanges(storage, key, changes, alive) {
  try {
    if (changes.length) storage.setItem(key, JSON.stringify({ alive, changes: changes.map(stored) }));
    else storage.removeItem(key);
  } catch {
    // Storage full or disabled: the queue still lives in the page, and the page warns.
  }
}

// Take (remove and return) the changes of every tab but this one that has gone: the one this
// tab was before a reload (`previousKey`) at once, any other once it has been silent for
// ORPHANED_AFTER. Null when the storage cannot be read.
export function takeOrphans(storage, { prefix, ownKey, previousKey, now }) {
  let keys;
  try {
    keys = Object.keys(storage).filter((key) => key.startsWith(prefix) && key !== ownKey);
  } catch {
    return null;
  }
  const taken = [];
  for (const key of keys) {
    let entry = null;
    try {
      entry = JSON.parse(storage.getItem(key));
    } catch {
      entry = null;
    }
    if (!entry || !Array.isArray(entry.changes)) continue;
    if (key !== previousKey && now - (entry.alive || 0) < ORPHANED_AFTER) continue;
    storage.removeItem(key);
    taken.push(...entry.changes);
  }
  return taken;
}

// Take the single queue the page kept before versions, under the scorecard's key.
export function takeLegacy(storage, key) {
  try {
    const changes = (key && JSON.parse(storage.getItem(key))) || [];
    if (key) storage.removeItem(key);
    return changes;
  } catch {
    return [];
  }
}

// The session's value under `key`, and `value` stored in its place; null where there is no
// session storage.
export function swapSession(storage, key, value) {
  try {
    const previous = storage.getItem(key);
    storage.setItem(key, value);
    return previous;
  } catch {
    return null;
  }
}

export function readSession(storage, key) {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSession(storage, key, value) {
  try {
    storage.setItem(key, value);
  } catch {
    // Without it a reload starts at the first untouched question.
  }
}
