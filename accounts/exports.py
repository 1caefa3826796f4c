"""Helpers for files people download and open in a spreadsheet (every app's CSV and XLSX)."""

from __future__ import annotations

from typing import Any

# Cells a spreadsheet would read as a formula (CWE-1236). A leading apostrophe makes them
# text in Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
