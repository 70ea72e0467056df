"""The external committee (外部検証会議, 審議会) and the planner's evaluation of each goal and year.

* A committee member (``access.COMMITTEE_MEMBER``) of the plan's municipality writes comments on
  a goal's year (``add_comment``); each is kept as written, with its author and time.
* A planner of the plan (``access.can_change_plan``) writes the evaluation text of a goal's year
  (``save_evaluation``): one text a goal and year, versioned; every earlier version stays in its
  history (who saved it, when), and a save made on a version someone else has replaced since is
  refused rather than lost.

The report reads ``CommitteeComment`` and ``GoalEvaluation`` directly. Every refusal is
``CommitteeRefused`` with a message in Japanese; every write is one transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from plans import access
from plans.models import CommitteeComment, Goal, GoalEvaluation

TEXT_CHARS = 4000  # a comment or an evaluation is a few paragraphs (the column allows more)


class CommitteeRefused(PermissionDenied):
    """A comment or evaluation the rules refuse; ``str()`` is the message for the user."""


def _checked_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CommitteeRefused(f"{what}を入力してください。")
    if len(text) > TEXT_CHARS:
        raise CommitteeRefused(f"{what}は{TEXT_CHARS:,}字以内で入力してください。")
    return text


def _check_year(goal: Goal, year: int) -> None:
    plan = goal.plan
    if not isinstance(year, int) or not plan.first_year <= year <= plan.last_year:
        raise CommitteeRefused(f"年度は計画の期間（{plan.first_year}〜{plan.last_year}年度）から選んでください。")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def add_comment(user, goal: Goal, year: int, text: str) -> CommitteeComment:
    """A committee member's comment on ``goal`` in ``year``."""
    if not access.can_comment(user, goal.plan):
        raise CommitteeRefused("この計画に意見を書けるのは、この市町村の外部委員だけです。")
    _check_year(goal, year)
    text = _checked_text(text, "意見")
    with transaction.atomic():
        return CommitteeComment.objects.create(goal=goal, year=year, text=text, author=user, author_name=_name(user))


def save_evaluation(user, goal: Goal, year: int, text: str, *, seen_version: int | None) -> GoalEvaluation:
    """The planner's evaluation of ``goal`` in ``year``: the first version, or the next one.

    ``seen_version`` is the version the planner's form showed (None when it showed none); when
    someone saved another version since, nothing is saved."""
    if not access.can_change_plan(user, goal.plan):
        raise CommitteeRefused("評価を書けるのは、この計画の企画担当だけです。")
    _check_year(goal, year)
    text = _checked_text(text, "評価")
    with transaction.atomic():
        evaluation = GoalEvaluation.objects.select_for_update().filter(goal=goal, year=year).first()
        current = evaluation.version if evaluation is not None else None
        if current != seen_version:
            raise CommitteeRefused(
                "この評価は、開いた後に他の人が更新しました。ページを開き直し、最新の版を確かめてから保存してください。"
            )
        if evaluation is None:
            evaluation = GoalEvaluation(goal=goal, year=year, version=1)
        elif evaluation.text == text:
            return evaluation  # nothing changed: no new version
        else:
            evaluation.version += 1
        evaluation.text = text
        evaluation.updated_by = user
        evaluation._history_user = user  # the version's author, also outside a request
        evaluation.save()
    return evaluation
