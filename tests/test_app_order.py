"""The apps' order is a contract (pyproject.toml, [tool.importlinter]): questions < interviews <
scoring < notifications, api, with audit and config below them all and bench above; a lower
app never imports a higher one, and no app's modules import each other in a cycle."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_apps_keep_their_order_and_import_no_cycle():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
