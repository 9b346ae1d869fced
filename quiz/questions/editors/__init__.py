"""The question types' editors, as in Moodle's ``question/type/*/edit_*_form.php``:
one module per type (``editors/<type>.py``, beside the type's grading module
``questions/<type>.py``) with its plain WTForms form, the spec built from it, the form
filled from a spec, how a check's answer is typed and how the question refits to an
edited article; its fields' template is ``templates/questions/<type>_editor.html``.
``EDITORS`` maps each type string to its editor, keyed like ``quiz.questions.TYPES``.

What the editors share lives here too: ``base`` (the fields every type has, the checks),
``places`` (where the bank's messages go), ``fields`` (WTForms helpers the app's pages
use as well), and the editors two types share (``choice``, ``values``, ``sentences``).

May import ``quiz.domain``, ``quiz.questions`` and WTForms; no Flask, no database.
"""

from __future__ import annotations

from quiz.questions.editors.base import Choices, Editor, QuestionForm
from quiz.questions.editors.classify import ClassifyEditor
from quiz.questions.editors.highlight import HighlightEditor
from quiz.questions.editors.multiple import MultipleEditor
from quiz.questions.editors.numeric import NumericEditor
from quiz.questions.editors.places import Messages, Picks, place_errors
from quiz.questions.editors.single import SingleEditor
from quiz.questions.editors.text import TextEditor

EDITORS: dict[str, Editor] = {
    e.type: e
    for e in (
        SingleEditor(),
        MultipleEditor(),
        NumericEditor(),
        ClassifyEditor(),
        HighlightEditor(),
        TextEditor(),
    )
}

__all__ = ["EDITORS", "Choices", "Editor", "Messages", "Picks", "QuestionForm", "place_errors"]
