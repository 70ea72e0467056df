"""Text that staff type or upload, checked before it is stored: the same rules at every door
(the entry page, the admin, the workbooks). Each limit is a setting read at call time."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are fine


def text_problem(text: str, *, limit: int | None = None) -> str | None:
    """Rule: text to be stored is at most ``limit`` characters (``UPLOAD_MAX_CELL_CHARS`` at most)
    and has no control characters other than tab and line breaks."""
    cap = settings.UPLOAD_MAX_CELL_CHARS if limit is None else min(limit, settings.UPLOAD_MAX_CELL_CHARS)
    if len(text) > cap:
        return f"文字数が多すぎます（{len(text):,}文字、上限 {cap:,}文字）。"
    if CONTROL_CHARACTERS.search(text):
        return "制御文字が含まれています。文字だけを入力してください。"
    return None


def field_limit(model, field_name: str) -> int:
    """The most characters ``model.field_name`` holds (``max_length``; TextFields: ``UPLOAD_MAX_CELL_CHARS``)."""
    max_length = model._meta.get_field(field_name).max_length
    return min(max_length or settings.UPLOAD_MAX_CELL_CHARS, settings.UPLOAD_MAX_CELL_CHARS)


def summarise_problems(problems: Sequence) -> list[str]:
    """The first ``PROBLEMS_SHOWN`` problems as text, and one line counting the rest."""
    shown = settings.PROBLEMS_SHOWN
    lines = [str(problem) for problem in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"ほか {len(problems) - shown} 件の問題があります。")
    return lines
