"""Markdown tables of the generated reports (reports/bench.md, reports/nlu-*.md)."""

from __future__ import annotations


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """The lines of a Markdown table, then a blank line to end it."""
    return [row(header), row(["---"] * len(header)), *(row(cells) for cells in rows), ""]
