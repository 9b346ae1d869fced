"""What every question editor does: the fields all types share (id, skill, prompt,
points, explanation, the question's own checks, a new misconception), the spec built
from them and the form filled from a spec. A type's editor adds its own fields
(``fill_spec``, ``own_data``, ``own_choices``) and says how its answers are typed in a
check (``answer_value``) and how it refits to an edited article (``refit``)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from wtforms import Field, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from quiz.domain.article import Article
from quiz.questions.editors.fields import CODES, REQUIRED, CodeField, RowForm, code_field, options
from quiz.questions.editors.places import (
    FormData,
    Messages,
    Picks,
    Sink,
    Tie,
    add_error,
    blank,
    number,
    shown,
    typed,
)


class CheckRow(RowForm):
    """One of the question's own tests: an answer and the score it must get."""

    answer = TextAreaField("A student's answer", render_kw={"rows": 2})
    expect = StringField("Score it must get")
    misconception = code_field("Misconception it must reveal (optional)")


class QuestionForm(RowForm):
    qid = StringField("Question id (letters, digits, - _ .; results use it)")
    skill = SelectField("Skill")
    prompt = TextAreaField(
        "Prompt: the question (required; Markdown, one paragraph)", render_kw=REQUIRED
    )
    points = StringField("Points (weight; empty: 1)")
    explanation = TextAreaField(
        "Explanation: the reasoning, shown with the feedback (optional, recommended)"
    )
    checks = FieldList(FormField(CheckRow))
    new_code = StringField(
        "Its code (capital letters, digits and _, e.g. PERCENT_VS_POINTS)",
        validators=[Length(max=40, message="At most 40 characters.")],
        render_kw=CODES,
    )
    new_text = TextAreaField(
        "What a student reads about it",
        validators=[Length(max=1000, message="At most 1,000 characters.")],
        render_kw={"rows": 2},
    )


@dataclass
class Choices:
    """What the editor's selects offer, from the bank: its skills, categories and
    misconception codes (``("", "None")`` first), and its article."""

    skills: Mapping[str, str]
    categories: Mapping[str, str]
    codes: list[tuple[str, str]]
    article: Article


FormClass = type[QuestionForm]


class Editor:
    """A question type's editor. Subclasses set the class attributes and fill their own
    fields; the authoring pages find them in ``quiz.questions.editors.EDITORS``."""

    type: ClassVar[str]
    name: ClassVar[str]  # "Single choice": the page's title and the bank's "New" buttons
    form: ClassVar[FormClass] = QuestionForm
    #: lists of rows with an "Add another" button, beside the checks
    lists: ClassVar[tuple[str, ...]] = ()
    #: empty rows a new question starts with
    starting_rows: ClassVar[Mapping[str, int]] = {}
    #: how a check's answer is typed (the hint under its box)
    answer_hint: ClassVar[str] = "The answer as a student would type it."

    @property
    def template(self) -> str:
        """Its fields on the editor page, beside its input's ``questions/<type>.html``."""
        return f"questions/{self.type}_editor.html"

    # -- the page ---------------------------------------------------------------------

    def can_edit(self, spec: Mapping[str, Any]) -> bool:
        """Whether this editor has a field for everything in ``spec``: saving from it
        must never drop what it cannot show. True unless a type says otherwise."""
        return True

    def new_picks(self) -> Picks | None:
        """The sentences ticked on a new question's page (None: the type has none)."""
        return None

    def read_picks(self, data: FormData, article: Article) -> Picks | None:
        """The sentences ticked on a submitted page (None: the type has none)."""
        return None

    def code_fields(self, form: QuestionForm) -> Iterator[CodeField]:
        """Every misconception select of the form."""
        for list_name in (*self.lists, "checks"):
            for row in getattr(form, list_name):
                yield row.form.misconception

    def set_choices(self, form: QuestionForm, choices: Choices) -> None:
        form.skill.choices = options(choices.skills)
        for fld in self.code_fields(form):
            fld.choices = choices.codes
        self.own_choices(form, choices)

    def own_choices(self, form: QuestionForm, choices: Choices) -> None:
        """The type's own selects, and its fields a question cannot be saved without."""

    # -- form -> spec -----------------------------------------------------------------

    def build_spec(
        self,
        form: QuestionForm,
        picks: Picks | None,
        article: Article,
        key: str | None,
        messages: Messages,
    ) -> tuple[dict[str, Any], dict[str, Sink]]:
        """The question spec the form describes, and where each place's messages go."""
        sinks: dict[str, Sink] = {}

        def tie(path: str, f: Field) -> None:
            sinks[path] = lambda message: add_error(f, message)

        spec: dict[str, Any] = {
            "id": key if key is not None else typed(form.qid),
            "type": self.type,
        }
        tie("id", form.qid)
        spec["skill"] = form.skill.data or ""
        tie("skill", form.skill)
        spec["prompt"] = typed(form.prompt)
        tie("prompt", form.prompt)
        points = number(form.points.data)
        if points is not None:
            spec["points"] = points
        tie("points", form.points)
        self.fill_spec(form, spec, picks or Picks(), article, tie, sinks, messages)
        spec["explanation"] = typed(form.explanation)
        tie("explanation", form.explanation)
        checks = self._checks(form, tie, sinks, messages)
        if checks:
            spec["checks"] = checks
        return spec, sinks

    def fill_spec(
        self,
        form: Any,
        spec: dict[str, Any],
        picks: Picks,
        article: Article,
        tie: Tie,
        sinks: dict[str, Sink],
        messages: Messages,
    ) -> None:
        """Put the type's own fields in ``spec``, tying each place to its field."""
        raise NotImplementedError

    def answer_value(self, text: str) -> Any:
        """A check's answer as the bank holds it, from the editor's text box."""
        return text.strip()

    def _checks(
        self, form: QuestionForm, tie: Tie, sinks: dict[str, Sink], messages: Messages
    ) -> list[dict[str, Any]]:
        sinks["checks"] = messages.sink("checks")
        rows = [r for r in form.checks if not blank(r.form, ("answer", "expect", "misconception"))]
        items: list[dict[str, Any]] = []
        messages.check_rows = []
        for n, row in enumerate(rows):
            r = row.form
            item: dict[str, Any] = {"answer": self.answer_value(r.answer.data or "")}
            if not typed(r.answer):
                item["answer"] = None  # the bank says it is required
            item.update(expectation(typed(r.expect)))
            if typed(r.misconception):
                item["misconception"] = typed(r.misconception)
            items.append(item)
            path = f"checks[{n}]"
            sinks[path] = messages.sink(row.name)
            tie(f"{path}.answer", r.answer)
            for name in ("fraction", "at_least", "at_most"):
                tie(f"{path}.{name}", r.expect)
            tie(f"{path}.misconception", r.misconception)
            messages.check_rows.append(row.name)
        return items

    # -- spec -> form -----------------------------------------------------------------

    def form_data(
        self, spec: Mapping[str, Any], article: Article
    ) -> tuple[dict[str, Any], Picks | None]:
        """What the form shows for a stored question, and the sentences it ticks."""
        data: dict[str, Any] = {
            "qid": spec["id"],
            "skill": spec["skill"],
            "prompt": spec["prompt"],
            "points": shown(spec["points"]) if spec.get("points", 1) != 1 else "",
            "explanation": spec["explanation"],
        }
        data["checks"] = [
            {
                "answer": answer_text(c.get("answer")),
                "expect": expectation_text(c),
                "misconception": c.get("misconception", ""),
            }
            for c in spec.get("checks") or []
            if isinstance(c, Mapping)
        ]
        return data, self.own_data(spec, article, data)

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        """Put the type's own fields in ``data``; the sentences it ticks, if any."""
        return None

    # -- an edited article --------------------------------------------------------------

    def refit(self, spec: Mapping[str, Any], article: Article) -> tuple[dict[str, Any], list[str]]:
        """The question fitted to a new article text, and the quotes it lost."""
        return copy.deepcopy(dict(spec)), []


# -- checks: a student's answer and the score it must get --------------------------------

_AT_LEAST = re.compile(r"(?:at\s+least|>=|≥|min(?:imum)?)\s*(.+)")
_AT_MOST = re.compile(r"(?:at\s+most|<=|≤|max(?:imum)?)\s*(.+)")
_RANGE = re.compile(r"(\S+)\s*(?:to|–|—|\.\.)\s*(\S+)")


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text box, trimmed."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def answer_text(answer: Any) -> str:
    """The editor's text box for a check's answer (the reverse of ``answer_value``)."""
    if isinstance(answer, Mapping):
        return "\n".join(f"{k} = {v}" for k, v in answer.items())
    if isinstance(answer, list):
        return "\n".join(str(a) for a in answer)
    return "" if answer is None else str(answer)


def expectation(text: str) -> dict[str, Any]:
    """``1``, ``at least 0.5``, ``at most 0.9``, ``0.5 to 0.9`` as check fields. Text that is
    no number is kept, so that the bank's check says what is wrong with it."""
    text = " ".join(text.split()).casefold()
    if not text:
        return {}
    if m := _AT_LEAST.fullmatch(text):
        return {"at_least": number(m[1])}
    if m := _AT_MOST.fullmatch(text):
        return {"at_most": number(m[1])}
    if m := _RANGE.fullmatch(text):
        return {"at_least": number(m[1]), "at_most": number(m[2])}
    return {"fraction": number(text)}


def expectation_text(check: Mapping[str, Any]) -> str:
    low, high, exact = check.get("at_least"), check.get("at_most"), check.get("fraction")
    if exact is not None:
        return shown(exact)
    if low is not None and high is not None:
        return f"{shown(low)} to {shown(high)}"
    if low is not None:
        return f"at least {shown(low)}"
    if high is not None:
        return f"at most {shown(high)}"
    return ""


def otherwise(form: Any, spec: dict[str, Any], tie: Tie) -> None:
    """The feedback for any other answer, when written."""
    if typed(form.otherwise):
        spec["otherwise"] = typed(form.otherwise)
    tie("otherwise", form.otherwise)


def mark_required(f: Field) -> None:
    """A field a question cannot be saved without, marked before a save."""
    f.render_kw = REQUIRED
    f.label.text = f"{f.label.text} (required)"
