"""Moodle GIFT: read as Moodle's own importer reads it, mapped onto our types, and
written back.

The reader follows ``question/format/gift/format.php`` (``qformat_gift``) and
``qformat_default::readquestions`` step by step: questions are separated by blank
(or whitespace-only) lines, ``//`` starts a comment only at the start of a line,
the escapes ``\\~ \\= \\# \\{ \\} \\: \\n \\\\`` are replaced before anything else,
then the ``$CATEGORY:`` line, the ``::name::``, the first ``{...}`` block and its
``####`` general feedback, the ``[format]`` prefixes, and the type chosen exactly
as Moodle chooses it. Weights are snapped to Moodle's list of allowed grades
(``question_bank::fraction_options_full``) within 1e-5; one off the list is an
error, as in Moodle (``matchgrades = error``). Moodle's default is to stop on any
error and import nothing; so do we, listing every problem with its line.

Where Moodle reads something silently in a way its writer cannot have meant (an
unescaped ``#`` or ``{`` inside an answer, an HTML tag with ``=`` or ``#`` among
the answers, a ``$CATEGORY`` line with a question under it, a weight that is not
a number), this reader reports an error instead.

What lives where (each imports only the ones above it, ``quiz.interchange.common``
and ``quiz.domain``; pure Python, no Flask, no database):

- ``syntax``: Moodle's grade list, the escapes, PHP's ``trim``, ``[format]``
  prefixes, and the data read (``GiftAnswer``, ``GiftQuestion``, ``GiftRead``).
- ``answers``: one ``{...}`` answer block: the kind chosen as Moodle chooses it and
  each kind's answers, weights and feedback.
- ``reader``: a file's text into blocks and questions (``read_gift``,
  ``read_gift_bytes``).
- ``mapping``: GIFT questions as bank data of our types, validated as a bank
  (``to_bank_data``, ``import_gift``).
- ``writer``: a bank written as GIFT (``export_gift``, ``escape``).
"""

from __future__ import annotations

from quiz.interchange.common import (
    RIGHT,
    WRONG,
    Imported,
    default_explanation,
    default_feedback,
    partly,
)
from quiz.interchange.gift.mapping import UNSUPPORTED, import_gift, to_bank_data
from quiz.interchange.gift.reader import read_gift, read_gift_bytes
from quiz.interchange.gift.syntax import FORMATS, GRADES, TF, GiftAnswer, GiftQuestion, GiftRead
from quiz.interchange.gift.writer import escape, export_gift

__all__ = [
    "FORMATS",
    "GRADES",
    "RIGHT",
    "TF",
    "UNSUPPORTED",
    "WRONG",
    "GiftAnswer",
    "GiftQuestion",
    "GiftRead",
    "Imported",
    "default_explanation",
    "default_feedback",
    "escape",
    "export_gift",
    "import_gift",
    "partly",
    "read_gift",
    "read_gift_bytes",
    "to_bank_data",
]
