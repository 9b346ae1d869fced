"""The contract every question type fulfils.

A question type is pure Python: no Flask, no database. It

* parses its part of a bank file (``from_spec``), reporting every problem with
  the path of the field inside the question, and writes it back (``to_spec``);
* chooses per-attempt state such as a shuffled option order and the opaque values
  the page gives the options (``new_state``);
* gives the student's page only what may be shown before feedback is due
  (``student_view``): never the key, per-option feedback or the explanation;
* reads a submitted form into a JSON-able response (``read_response``), mapping
  the attempt's option values back to the bank's ids and raising ``Unreadable``
  with a message that asks the student again;
* grades a response to a fraction in [0, 1] with feedback, the misconception it
  reveals, a classification for item statistics and a plain-text summary.

Response shapes (stored as JSON, keyed by the form field names the template uses):

========  ===========================================  ===================
type      form fields                                  response
========  ===========================================  ===================
single    ``choice`` (option value)                    ``{"choice": "b"}``
multiple  ``choices`` (option values, repeated)        ``{"choices": ["a", "c"]}``
numeric   ``value`` (text)                             ``{"text": "500%", "value": 500.0}``
classify  ``label-<sentence id>`` (category key)       ``{"labels": {"p1-s1": "attributed"}}``
highlight ``sentences`` (sentence ids, repeated)       ``{"sentences": ["p1-s1"]}``
text      ``text``                                     ``{"text": "the baseline"}``
========  ===========================================  ===================

An option's value on the page is not its bank id but a random token chosen for
the attempt (``state["tokens"]``), so that neither the value nor, with shuffling,
the order tells the key; responses, grades, statistics and exports keep the bank's
ids. An attempt started before tokens existed has none: its page uses the ids.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from quiz.domain.article import Article, Sentence
from quiz.questions.judging import Judgement

# Parsing's vocabulary lives in quiz.questions.spec; named here too, as every type imports it.
from quiz.questions.spec import CODE_RE as CODE_RE
from quiz.questions.spec import ID_RE as ID_RE
from quiz.questions.spec import BankContext as BankContext
from quiz.questions.spec import Path as Path
from quiz.questions.spec import Problem as Problem

FormData = Mapping[str, Sequence[str]]
_QUOTED = re.compile(r"“([^”]{3,300})”|\"([^\"]{3,300})\"")


#: what a student reads where the bank gives no feedback (feedback is optional)
GENERIC_FEEDBACK = {
    "right": "That is right.",
    "partial": "Partly right.",
    "wrong": "That is not right.",
}


@dataclass(frozen=True)
class FeedbackItem:
    """One line of feedback. ``verdict`` is ``right``, ``wrong``, ``partial`` or ``None``."""

    text: str
    verdict: str | None = None
    about: str | None = None  # what the line is about: an option's text, a sentence id

    def __post_init__(self) -> None:
        # Feedback is optional in a bank: a line left without it says the verdict.
        text = (self.text or "").strip()
        object.__setattr__(self, "text", text or GENERIC_FEEDBACK.get(self.verdict or "", ""))


@dataclass(frozen=True)
class Grade:
    fraction: float
    feedback: tuple[FeedbackItem, ...]
    misconceptions: tuple[str, ...] = ()
    classification: str = ""
    summary: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction {self.fraction} outside [0, 1]")

    @property
    def misconception(self) -> str | None:
        return self.misconceptions[0] if self.misconceptions else None

    @property
    def verdict(self) -> str:
        if self.fraction >= 1.0 - 1e-9:
            return "right"
        return "partial" if self.fraction > 0 else "wrong"

    def to_dict(self) -> dict[str, Any]:
        return {
            "fraction": self.fraction,
            "feedback": [
                {"text": f.text, "verdict": f.verdict, "about": f.about} for f in self.feedback
            ],
            "misconceptions": list(self.misconceptions),
            "classification": self.classification,
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grade:
        return cls(
            fraction=float(data["fraction"]),
            feedback=tuple(FeedbackItem(**f) for f in data.get("feedback", ())),
            misconceptions=tuple(data.get("misconceptions", ())),
            classification=data.get("classification", ""),
            summary=data.get("summary", ""),
        )


class Unreadable(ValueError):
    """The student's entry cannot be read; the message asks them again."""


@dataclass(frozen=True)
class Question:
    """Fields common to every type. Subclasses add their own and implement the hooks."""

    type: ClassVar[str]
    shuffles: ClassVar[bool] = False  # whether ``shuffle: true`` means anything
    # whether its input shows the article's sentences (then no quotes beside the prompt)
    shows_sentences: ClassVar[bool] = False
    # whether its page is one column: the input is the article itself
    single_column: ClassVar[bool] = False
    # what a bank check's warnings call its anticipated wrong answers ("wrong option");
    # None: the type anticipates none, and no warning asks for their misconceptions
    wrong_answer_noun: ClassVar[str | None] = None

    id: str
    skill: str
    prompt: str  # Markdown
    explanation: str  # Markdown, shown only once feedback is due
    points: float
    shuffle: bool
    # The question's own tests (quiz.domain.bankcheck.Check), set by the bank parser.
    checks: tuple[Any, ...] = field(default=(), compare=False, kw_only=True)
    # ``draft: true``: written but not published; never given to students (issue #19).
    draft: bool = field(default=False, kw_only=True)

    # -- parsing ------------------------------------------------------------------

    @classmethod
    def from_spec(cls, data: Mapping[str, Any], common: dict[str, Any], ctx: BankContext) -> Any:
        """Build the question from its bank mapping. ``common`` holds the parsed common
        fields (id, skill, prompt, explanation, points, shuffle, draft). Report problems with
        ``ctx.error(path, message)``; the result is discarded if any were reported."""
        raise NotImplementedError

    def spec_fields(self) -> dict[str, Any]:
        """The type's own fields, as they would be written in a bank file."""
        raise NotImplementedError

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "skill": self.skill,
            "prompt": self.prompt,
        }
        if self.draft:
            spec["draft"] = True
        if self.points != 1:
            spec["points"] = self.points
        if self.shuffles:
            spec["shuffle"] = self.shuffle
        spec.update(self.spec_fields())
        spec["explanation"] = self.explanation
        if self.checks:
            spec["checks"] = [c.to_spec() for c in self.checks]
        return spec

    # -- taking it ------------------------------------------------------------------

    def new_state(self, rng: random.Random) -> dict[str, Any]:
        """Per-attempt state, chosen once when the attempt starts (e.g. option order)."""
        return {}

    def for_state(self, state: Mapping[str, Any] | None) -> Question:
        """The question as one attempt shows it (a ``numeric`` question with variables
        puts the attempt's numbers in its prompt and explanation); itself by default."""
        return self

    def prompt_for_teachers(self) -> str:
        """The prompt as a report across attempts shows it (item statistics, what
        students got wrong): as written, but where each attempt had its own numbers
        (``numeric`` with variables) each placeholder shows the range it was drawn
        from. Markdown, as in the bank."""
        return self.prompt

    def student_view(self, state: Mapping[str, Any], article: Article) -> dict[str, Any]:
        """What the template may show before feedback is due. No key, no feedback."""
        raise NotImplementedError

    def read_response(
        self, form: FormData, state: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The response in the submitted form, in the bank's terms; ``None`` when
        nothing was answered. ``state`` is the attempt's (``new_state``): the values
        its page gave the inputs. Raise ``Unreadable`` when an entry cannot be
        understood, a value the attempt's page never showed included."""
        raise NotImplementedError

    def decode_form(self, form: FormData, state: Mapping[str, Any]) -> FormData:
        """The submitted form in the bank's terms, values the attempt's page never
        showed left out: to show an entry again beside its error message."""
        return form

    def echo(self, form: FormData, state: Mapping[str, Any] | None) -> dict[str, Any]:
        """What the person typed, shaped like a response, to show again beside the
        message when it cannot be read (the student's page and the author's preview)."""
        return echo_entry(self.decode_form(form, state or {}))

    def incomplete(self, response: Mapping[str, Any] | None) -> str | None:
        """How a response falls short of a whole answer, in words a student reads
        ("2 of 4 labelled"), or None when it is complete (Moodle's
        ``is_complete_response``). A response of None (nothing given) is not
        incomplete but unanswered: None here too. By default any response is
        complete: one choice, one number, one ticked sentence answers the question."""
        return None

    def is_complete(self, response: Mapping[str, Any]) -> bool:
        return self.incomplete(response) is None

    def grade(self, response: Mapping[str, Any], article: Article) -> Grade:
        raise NotImplementedError

    def summarise(self, response: Mapping[str, Any], article: Article) -> str:
        """Plain text of a response, as reports and CSV show it."""
        raise NotImplementedError

    def describe(self, response: Mapping[str, Any], article: Article) -> str:
        """A response as a student reads it: sentences by their (shortened) text,
        never their ids. ``summarise`` keeps the ids for reports and CSV; for types
        whose summary is already words (options, typed text) the two are the same."""
        return self.summarise(response, article)

    def refers_to(self, article: Article) -> tuple[Sentence, ...]:
        """The sentences of the article the prompt quotes (a quotation of three words
        or more, in “curly” or "straight" quotes, found in exactly one sentence), to
        show with the question, so that a student on a phone need not scroll the
        article to find them. ``classify`` and ``highlight`` show their sentences in
        their inputs already: none for them."""
        if self.shows_sentences:
            return ()
        found: list[Sentence] = []
        for quoted in _QUOTED.findall(self.prompt or ""):
            text = next(q for q in quoted if q)
            if len(text.split()) < 3:
                continue
            hits = article.find(text)
            if len(hits) == 1 and hits[0] not in found:
                found.append(hits[0])
        return tuple(found)

    def right_answer(self, article: Article) -> str:
        """Plain text of the right answer."""
        raise NotImplementedError

    def key_form(self, state: Mapping[str, Any]) -> dict[str, list[str]]:
        """The right answer as the form fields a student would send (previews, tests),
        with the attempt's option values."""
        raise NotImplementedError

    def misconception_form(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, list[str]], str] | None:
        """A wrong answer that reveals a misconception, as form fields, with its code;
        ``None`` when the question tags none (previews, tests, load generators)."""
        return None

    def random_guess_score(self) -> float | None:
        """Moodle's random guess score for item statistics (None: not computable)."""
        return 0.0

    # -- what the rest of the app asks of a type ----------------------------------------

    def check_form(
        self, article: Article, answer: Any, ctx: BankContext, path: Path
    ) -> dict[str, list[str]]:
        """A bank check's ``answer:`` (plain data, as written) as the form fields a
        student's browser would send for it (quiz.domain.bankcheck); {} after reporting
        a problem with ``ctx.error(path, ...)``. Helpers: ``quiz.questions.checkform``."""
        ctx.error(path, f"checks are not supported for {self.type} questions")
        return {}

    def carries_judgements(self) -> bool:
        """Whether its answers are judgements, sound or flawed (its bank marks them:
        question_banks/README.md, "Judgements"); none by default."""
        return False

    def judgements(self, response: Mapping[str, Any]) -> list[Judgement]:
        """The judgements one answer makes, for a question that ``carries_judgements``
        (quiz.domain.discernment scores them); none by default."""
        return []

    def probed_misconceptions(self) -> set[str]:
        """The misconception codes its items (options, wrong values, distractors...)
        carry: what the question probes. Use ``codes_of``; none by default."""
        return set()

    def wrong_answers(self) -> Iterator[tuple[Path, Any]]:
        """Each wrong answer it anticipates (an item that may carry a ``misconception``
        and ``feedback``), with its path in the bank: what quiz.domain.banklint asks to be
        tagged and explained. Name them with ``wrong_answer_noun``; none by default."""
        return iter(())

    @property
    def template(self) -> str:
        return f"questions/{self.type}.html"


# Characters no text column holds on PostgreSQL (NUL) or encodes (lone surrogates):
# removed from a typed answer, so an answer is kept the same on both databases.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def first(form: FormData, key: str) -> str:
    values = form.get(key) or ()
    return UNSTORABLE.sub("", values[0]) if values else ""


def codes_of(*groups: Sequence[Any]) -> set[str]:
    """The misconception codes the items of ``groups`` carry (``probed_misconceptions``)."""
    return {item.misconception for group in groups for item in group if item.misconception}


def letters(n: int) -> list[str]:
    """Default option ids: a, b, c, ..."""
    return [chr(ord("a") + i) if i < 26 else f"o{i + 1}" for i in range(n)]


def echo_entry(form: FormData) -> dict[str, Any]:
    """The one echo rule: every field typed is kept (the CSRF token and empty ones
    left out); repeated fields (``choices``, ``sentences``) as lists, ``label-<id>``
    fields as ``labels``, ``value`` as ``text`` (a numeric response's typed text)."""
    echo: dict[str, Any] = {}
    for key, values in form.items():
        if key == "csrf_token" or not values:
            continue
        if key in ("choices", "sentences"):
            echo[key] = list(values)
        elif key.startswith("label-"):
            echo.setdefault("labels", {})[key[6:]] = values[0]
        elif key == "value":
            echo["text"] = values[0]
        else:
            echo[key] = values[0]
    return echo
