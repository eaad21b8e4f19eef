"""The bench writes its own tables into docs/performance.md: a run replaces the block of its
database and sizes, between its markers, and nothing else."""

import pytest

from bench.__main__ import block_key, replace_block

PAGE = """# Performance

Prose a person wrote.

<!-- bench:sqlite 50 500 -->
Old SQLite table.
<!-- /bench -->

Between the tables.

<!-- bench:postgresql 50 500 -->
Old PostgreSQL table.
<!-- /bench -->

The end.
"""


def test_a_run_replaces_its_own_block_and_nothing_else():
    written = replace_block(PAGE, "bench:sqlite 50 500", "| new | table |\n")

    assert written == PAGE.replace("Old SQLite table.", "| new | table |")


def test_the_other_databases_block_is_replaced_the_same_way():
    written = replace_block(PAGE, "bench:postgresql 50 500", "New.")

    assert written == PAGE.replace("Old PostgreSQL table.", "New.")


def test_writing_the_same_table_twice_changes_nothing_more():
    once = replace_block(PAGE, "bench:sqlite 50 500", "New.")

    assert replace_block(once, "bench:sqlite 50 500", "New.") == once


def test_a_run_with_other_sizes_adds_its_block_at_the_end():
    written = replace_block(PAGE, "bench:sqlite 5000", "Large.")

    assert written == (
        PAGE + "\n### sqlite 5000\n\n<!-- bench:sqlite 5000 -->\nLarge.\n<!-- /bench -->\n"
    )


def test_a_block_without_its_end_marker_is_refused():
    with pytest.raises(ValueError, match="has no <!-- /bench -->"):
        replace_block("<!-- bench:sqlite 50 500 -->\nno end\n", "bench:sqlite 50 500", "New.")


def test_the_key_names_the_database_and_the_sizes_in_order():
    assert block_key("PostgreSQL", [500, 50]) == "bench:postgresql 50 500"


def test_the_committed_page_has_a_block_for_each_database_at_the_default_sizes():
    from bench.__main__ import PERFORMANCE

    text = PERFORMANCE.read_text()

    for key in ("bench:sqlite 50 500", "bench:postgresql 50 500"):
        assert text.count(f"<!-- {key} -->") == 1
