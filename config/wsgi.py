import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Python's cyclic garbage collector, tuned for a server process (docs/performance.md):
# - what the app loaded is moved out of its sight (gc.freeze), so that a full collection no
#   longer walks every module, model and template (70–110 ms each at N = 50,000);
# - it runs after 50,000 new objects rather than 700, so that a page's own objects, alive
#   while it renders, are not walked again and again: a quarter of a page's time.
# Objects are still freed as soon as nothing refers to them; only cycles wait a little longer.
GC_THRESHOLDS = (50_000, 20, 10)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
