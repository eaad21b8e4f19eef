"""What calibration and question analytics compute from the stored sums and the bank, kept
in the cache under the figures revisions of the question sets it was computed from
(`QuestionSet.figures_revision`) and the day: a page shown again before anything it reads
has changed costs a cache read instead of its sums queries, its bootstrap intervals and its
arithmetic.

Never stale: every write those figures depend on gives the sets it touches a new revision
in its transaction or after it commits (the stored sums in scoring/sums.py, the bank's
admin pages and import), so a page reads a revision first and finds only what was computed
from data at least that new. What may change without a new revision is read afresh on
every request instead: people's names and trainees' qualifications. With `REDIS_URL` the
cache is shared by the workers; without it each worker keeps its own."""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

# Long enough for a day of reloads, short enough that a stored interval a page keeps
# showing is read, and marked used, at least once a day (scoring/calibration_sums.py).
KEPT_FOR = 24 * 60 * 60


def cached(kind: str, revisions, about, compute: Callable[[], object]):
    """`compute()`, or its value kept from an earlier call with the same `kind`, set
    revisions (pairs of set and revision) and `about` (the rest of what it depends on, as
    a repr-able value) on the same day."""
    described = repr((kind, sorted(revisions), about, timezone.localdate().isoformat()))
    key = f"figures:{kind}:{hashlib.blake2b(described.encode(), digest_size=20).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_FOR)
    return found
