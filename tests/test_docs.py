"""The README and docs/ stay short, inside the repository and unbroken: no link leaves the
repository (addresses in examples are written as code, not as links), every relative link
reaches a file that exists, and the README stays a front page of at most 200 lines."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_LINES = 200

FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
# [text](target "title") and ![alt](target), reference definitions [name]: target, autolinks
# <scheme:…> and HTML href/src attributes.
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
ATTRIBUTE = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
BARE_ADDRESS = re.compile(r"\b(?:https?|ftp)://|\bwww\.", re.IGNORECASE)


def documents():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def prose(text):
    """The text without code blocks and code spans, where example addresses may stand."""
    return CODE_SPAN.sub("", FENCED.sub("", text))


def targets(text):
    text = prose(text)
    for pattern in (INLINE, REFERENCE, AUTOLINK, ATTRIBUTE):
        yield from pattern.findall(text)


def problems(path, text):
    """What is wrong with one document's links, in words."""
    found = []
    for target in targets(text):
        if SCHEME.match(target) or target.startswith("//"):
            found.append(f"{target} leaves the repository")
            continue
        file = target.split("#", 1)[0].split("?", 1)[0]
        if not file:
            continue  # a heading in the same document
        resolved = (path.parent / file).resolve()
        if not resolved.is_relative_to(ROOT):
            found.append(f"{target} points outside the repository")
        elif not resolved.exists():
            found.append(f"{target} names no file")
    rest = prose(text)
    for pattern in (INLINE, REFERENCE, AUTOLINK, ATTRIBUTE):
        rest = pattern.sub("", rest)
    found += [
        f"a bare address in the prose: {line.strip()}"
        for line in rest.splitlines()
        if BARE_ADDRESS.search(line)
    ]
    return found


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_stays_in_the_repository_and_reaches_a_file(path):
    assert problems(path, path.read_text()) == []


def test_the_readme_is_a_front_page():
    lines = (ROOT / "README.md").read_text().splitlines()

    assert len(lines) <= README_LINES


def test_the_readme_links_every_document_in_docs():
    readme = (ROOT / "README.md").read_text()

    for path in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{path.name})" in readme


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "See [Django](https://www.djangoproject.com/).",
            ["https://www.djangoproject.com/ leaves the repository"],
        ),
        ("<https://example.com>", ["https://example.com leaves the repository"]),
        ("[x]: http://example.com", ["http://example.com leaves the repository"]),
        (
            '<a href="//cdn.example.com/x.js">x</a>',
            ["//cdn.example.com/x.js leaves the repository"],
        ),
        (
            "[mail](mailto:someone@example.com)",
            ["mailto:someone@example.com leaves the repository"],
        ),
        (
            "Go to https://example.com now.",
            ["a bare address in the prose: Go to https://example.com now."],
        ),
        ("[gone](docs/missing.md)", ["docs/missing.md names no file"]),
        ("[up](../DESIGN.md)", ["../DESIGN.md points outside the repository"]),
        ("![shot](docs/nothing.png)", ["docs/nothing.png names no file"]),
        ("[here](docs/scoring.md#calibration) and [top](#rubric)", []),
        ("`DJANGO_SITE_URL=https://rubric.example.com` is an example", []),
        ("```sh\ncurl http://127.0.0.1:8000/api/v1/\n```", []),
    ],
)
def test_what_counts_as_a_broken_or_outside_link(text, expected):
    assert problems(ROOT / "README.md", text) == expected
