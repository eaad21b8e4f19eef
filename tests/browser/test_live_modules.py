"""Unit tests of the live page's queue and versions (static/js/live/), run in Chromium: one
page on the live server imports the modules, and each test evaluates a script there and
compares what it returns. These are the rules the durability tests rely on."""

import pytest

MODULES = "/static/js/live/"


@pytest.fixture(scope="module")
def modules(browser, live_server):
    """Evaluate `script`, an async function's body, with `queue`, `storage` and `view` (the
    modules) and `arg` in scope; return what it returns."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(f"{MODULES}queue.js")  # any page of the server's origin

    def evaluate(script, arg=None):
        return page.evaluate(
            f"""async (arg) => {{
                const queue = await import("{MODULES}queue.js");
                const storage = await import("{MODULES}storage.js");
                const view = await import("{MODULES}view.js");
                {script}
            }}""",
            arg,
        )

    yield evaluate
    context.close()


# An Outbox whose sends answer from `outcomes`, in turn, and whose timers wait to be run by the
# test; `settled()` waits until what the sends started has finished.
OUTBOX = """
    const sent = [];
    const timers = [];
    const outcomes = [...arg.outcomes];
    const box = new queue.Outbox({
        send: async (change, keepalive = false) => {
            sent.push(keepalive ? `${change.id} (keepalive)` : change.id);
            const outcome = outcomes.shift();
            if (outcome === "throw") throw new TypeError("Failed to fetch");
            return outcome;
        },
        now: () => 1000,
        setTimer: (callback, delay) => timers.push({ callback, delay }),
        clearTimer: () => {},
    });
    const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
    const change = (id, key, version, more = {}) => ({ id, key, version, fields: {}, ...more });
    const state = () => ({
        queued: box.queue.map((c) => c.id),
        sent: [...sent],
        retrying: box.retrying,
        delays: timers.map((t) => t.delay),
    });
"""


def test_the_last_change_of_a_field_replaces_the_one_waiting_and_goes_to_the_end(modules):
    assert modules(
        """
        let q = [];
        q = queue.withChange(q, { id: "a", key: "7:notes", version: 10 });
        q = queue.withChange(q, { id: "b", key: "7:score", version: 11 });
        q = queue.withChange(q, { id: "c", key: "7:notes", version: 12 });
        const earlier = queue.withChange(q, { id: "d", key: "7:notes", version: 9 });
        const tie = queue.withChange(q, { id: "e", key: "7:notes", version: 12 });
        return [q.map((c) => c.id), earlier, tie.map((c) => c.id)];
        """
    ) == [["b", "c"], None, ["b", "e"]]


def test_a_change_on_its_way_is_not_replaced_the_next_one_queues_behind_it(modules):
    assert modules(
        """
        let q = [{ id: "a", key: "7:notes", version: 10, sending: true }];
        q = queue.withChange(q, { id: "b", key: "7:notes", version: 11 });
        q = queue.withChange(q, { id: "c", key: "7:notes", version: 12 });
        return q.map((c) => c.id);
        """
    ) == ["a", "c"]


def test_versions_are_the_time_and_always_later_than_the_last(modules):
    assert modules(
        """
        return [
            queue.nextVersion(0, 1000),
            queue.nextVersion(1000, 1000),  // two changes in one millisecond
            queue.nextVersion(1001, 5000),
            queue.nextVersion(5000, 4000),  // the clock turned back
        ];
        """
    ) == [1000, 1001, 5000, 5001]


def test_each_field_keeps_its_own_version(modules):
    """What the server answers is shown only where it is later than what the page knows; a
    change from storage only where it is at least as new."""
    assert modules(
        """
        const known = { score: 20, notes: 30 };
        const server = { score: 25, notes: 30, "mark-4": 5 };
        return [
            ["score", "notes", "mark-4", "mark-9"].map((key) => queue.isNewer(server, known, key)),
            [queue.isCurrent(known, "notes", 29), queue.isCurrent(known, "notes", 30),
             queue.isCurrent(known, "mark-4", 1)],
        ];
        """
    ) == [[True, False, True, False], [False, True, True]]


def test_what_an_answer_means(modules):
    answers = [
        {"status": 200, "ok": True, "redirected": False, "json": True},
        {"status": 409, "ok": False, "redirected": False, "json": True},  # a locked scorecard
        {"status": 400, "ok": False, "redirected": False, "json": True},  # a bad value
        {"status": 500, "ok": False, "redirected": False, "json": True},
        {"status": 429, "ok": False, "redirected": False, "json": True},
        {"status": 404, "ok": False, "redirected": False, "json": False},
        {"status": 200, "ok": True, "redirected": True, "json": False},  # the login page
        {"status": 403, "ok": False, "redirected": False, "json": False},  # a stale CSRF token
        {"status": 502, "ok": False, "redirected": False, "json": False},  # a proxy's page
    ]
    assert modules("return arg.map(queue.outcomeOf);", answers) == [
        "sent",
        "refused",
        "refused",
        "retry",
        "retry",
        "not-found",
        "session-ended",
        "stale-token",
        "retry",
    ]


def test_a_failed_change_stays_first_and_what_follows_waits_behind_it(modules):
    assert modules(
        OUTBOX
        + """
        box.add(change("a", "1:score", 1));
        await settled();
        const failed = state();
        box.add(change("b", "2:score", 2));
        await settled();
        const waiting = state();
        timers[0].callback();
        await settled();
        return [failed, waiting, state(), box.retryDelay];
        """,
        {"outcomes": ["retry", "sent", "sent"]},
    ) == [
        {"queued": ["a"], "sent": ["a"], "retrying": True, "delays": [1000]},
        {"queued": ["a", "b"], "sent": ["a"], "retrying": True, "delays": [1000]},
        {"queued": [], "sent": ["a", "a", "b"], "retrying": False, "delays": [1000]},
        0,
    ]


def test_retries_wait_twice_as_long_each_time_up_to_ten_seconds(modules):
    assert modules(
        """
        const delays = [];
        let delay = 0;
        for (let i = 0; i < 6; i++) delays.push((delay = queue.nextRetryDelay(delay)));
        return delays;
        """
    ) == [1000, 2000, 4000, 8000, 10000, 10000]


def test_a_network_error_is_retried_a_refused_change_leaves_the_queue(modules):
    assert modules(
        OUTBOX
        + """
        box.add(change("a", "1:score", 1));
        box.add(change("b", "1:notes", 2));
        await settled();
        const afterError = state();
        timers[0].callback();
        await settled();
        return [afterError, state()];
        """,
        {"outcomes": ["throw", "refused", "sent"]},
    ) == [
        {"queued": ["a", "b"], "sent": ["a"], "retrying": True, "delays": [1000]},
        {"queued": [], "sent": ["a", "a", "b"], "retrying": False, "delays": [1000]},
    ]


def test_notes_wait_for_a_pause_unless_a_later_change_follows_them(modules):
    assert modules(
        OUTBOX
        + """
        box.add(change("notes", "1:notes", 1, { dueAt: 1600 }));
        await settled();
        const typing = state();
        box.add(change("score", "1:score", 2));
        await settled();
        return [typing, state()];
        """,
        {"outcomes": ["sent", "sent"]},
    ) == [
        {"queued": ["notes"], "sent": [], "retrying": False, "delays": [600]},
        {"queued": [], "sent": ["notes", "score"], "retrying": False, "delays": [600]},
    ]


def test_a_hidden_page_sends_everything_at_once_and_keeps_what_failed(modules):
    assert modules(
        OUTBOX
        + """
        box.add(change("a", "1:score", 1));
        await settled();
        box.add(change("b", "1:notes", 2));
        await settled();
        const before = state();
        box.sendAllNow();  // the retry is not waited for
        await settled();
        return [before, state()];
        """,
        {"outcomes": ["retry", "sent", "retry"]},
    ) == [
        {"queued": ["a", "b"], "sent": ["a"], "retrying": True, "delays": [1000]},
        {
            "queued": ["b"],
            "sent": ["a", "a (keepalive)", "b (keepalive)"],
            "retrying": True,
            "delays": [1000],
        },
    ]


def test_a_gone_tabs_queue_is_adopted_a_live_ones_is_not(modules):
    assert modules(
        """
        localStorage.clear();
        const put = (key, alive, id) =>
            localStorage.setItem(key, JSON.stringify({ alive, changes: [{ id, version: 1 }] }));
        put("k:mine", 10000, "mine");
        put("k:before-reload", 10000, "reloaded");  // this tab before a reload: alive or not
        put("k:other", 9000, "other");  // written a second ago
        put("k:gone", 5000, "gone");  // silent for five seconds
        put("elsewhere:gone", 0, "another scorecard");
        localStorage.setItem("k:broken", "{");
        const taken = storage.takeOrphans(localStorage, {
            prefix: "k:", ownKey: "k:mine", previousKey: "k:before-reload", now: 10000,
        });
        const left = Object.keys(localStorage).sort();
        localStorage.clear();
        return [taken.map((c) => c.id).sort(), left];
        """
    ) == [["gone", "reloaded"], ["elsewhere:gone", "k:broken", "k:mine", "k:other"]]


def test_a_stored_queue_leaves_out_what_is_on_its_way_and_an_empty_one_is_removed(modules):
    assert modules(
        """
        localStorage.clear();
        storage.storeChanges(localStorage, "k:mine", [{ id: "a", version: 3, sending: true }], 42);
        const stored = JSON.parse(localStorage.getItem("k:mine"));
        storage.storeChanges(localStorage, "k:mine", [], 43);
        return [stored, localStorage.getItem("k:mine")];
        """
    ) == [{"alive": 42, "changes": [{"id": "a", "version": 3}]}, None]


def test_adopted_changes_go_in_the_order_they_were_made_the_old_pages_first(modules):
    assert modules(
        """
        const legacy = queue.legacyChanges([
            { type: "answer", key: "5:x", url: "/a/", fields: { skipped: "1" } },
            { type: "answer", key: "5:notes", url: "/a/", fields: { notes: "n" } },
            { type: "answer", key: "5:notes" },  // incomplete: dropped
            { type: "follow-up", key: "follow-up:k", url: "/f/", fields: { prompt: "p" } },
        ]);
        const adopted = [
            { id: "t:2", key: "5:notes", version: 2000 },
            { id: "t:1", key: "5:score", version: 1000 },
        ];
        return queue.inVersionOrder([...adopted, ...legacy])
            .map((c) => [c.id, c.key, c.version, c.question]);
        """
    ) == [
        ["legacy:0", "5:score", 1, "5"],
        ["legacy:1", "5:notes", 2, "5"],
        ["legacy:2", "follow-up:k", 3, None],
        ["t:1", "5:score", 1000, None],
        ["t:2", "5:notes", 2000, None],
    ]


def test_the_status_says_what_waits(modules):
    cases = [
        {"retrying": True, "sending": False, "waiting": 3, "refused": 0, "online": True},
        {"retrying": True, "sending": False, "waiting": 1, "refused": 1, "online": False},
        {"retrying": False, "sending": True, "waiting": 1, "refused": 1, "online": True},
        {"retrying": False, "sending": False, "waiting": 0, "refused": 2, "online": True},
        {"retrying": False, "sending": False, "waiting": 0, "refused": 0, "online": True},
        # A 503: the server's database or cache is down for a moment.
        {
            "retrying": True,
            "sending": False,
            "waiting": 2,
            "refused": 0,
            "online": True,
            "unavailable": True,
        },
        {"retrying": True, "waiting": 1, "refused": 0, "online": False, "unavailable": True},
        {"retrying": False, "waiting": 0, "refused": 0, "online": True, "unavailable": True},
    ]
    assert modules("return arg.map(view.statusOf);", cases) == [
        {"state": "retrying", "text": "Not saved, retrying (3 waiting)"},
        {"state": "retrying", "text": "Offline: 1 change waiting"},
        {"state": "saving", "text": "Saving…"},
        {"state": "refused", "text": "Not saved: 2 refused"},
        {"state": "saved", "text": "Saved"},
        {"state": "retrying", "text": "Server unavailable, retrying (2 waiting)"},
        {"state": "retrying", "text": "Offline: 1 change waiting"},
        {"state": "saved", "text": "Saved"},
    ]
