"""Production's static storage gives the live page's ES modules hashed names, and rewrites
their imports to match: a module and what it imports are cached, and replaced, together."""

import json
import re

from django.core.management import call_command

MODULES = "js/live/"
IMPORT = re.compile(r"""^import .*? from "(?P<path>[^"]+)";$""", re.MULTILINE | re.DOTALL)


def test_collectstatic_points_the_modules_imports_at_their_hashed_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.staticfiles.ManifestStaticFilesStorage"},
    }
    # Rubric's own files only: the apps' (the API docs' bundles above all) only cost time here.
    call_command(
        "collectstatic",
        interactive=False,
        verbosity=0,
        ignore_patterns=["admin", "django_htmx", "rest_framework", "drf_spectacular_sidecar"],
    )

    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    modules = {name for name in hashed if name.startswith(MODULES)}
    assert modules == {
        f"{MODULES}{name}.js" for name in ("keys", "main", "queue", "storage", "view")
    }

    def imports(name):
        text = (tmp_path / hashed[name]).read_text()
        return sorted(match["path"] for match in IMPORT.finditer(text))

    def as_imported(name):
        return "./" + hashed[f"{MODULES}{name}.js"].removeprefix(MODULES)

    assert imports(f"{MODULES}main.js") == sorted(
        as_imported(name) for name in ("keys", "queue", "storage", "view")
    )
    assert imports(f"{MODULES}view.js") == [as_imported("queue")]
    assert as_imported("queue") != "./queue.js"  # hashed
    # WhiteNoise's compression is kept.
    assert (tmp_path / f"{hashed[f'{MODULES}main.js']}.gz").exists()
