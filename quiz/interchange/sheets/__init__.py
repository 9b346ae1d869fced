"""Choice questions in the spreadsheet layouts of Kahoot and Wayground (Quizizz),
as CSV or XLSX, both ways.

**Kahoot** (its "Import spreadsheet" template): a header row whose cells start
``Question - max 120 characters``, ``Answer 1 - max 75 characters`` ... ``Answer 4``,
``Time limit (sec)`` and ``Correct answer(s) - choose at least one``, with the
question's number in the column before it (row 8 of the template; rows above it are
instructions). ``Correct answer(s)`` is the answer numbers, ``2`` or ``1,3``.

**Wayground (Quizizz)**: a header row ``Question Text``, ``Question Type``,
``Option 1`` ... ``Option 5``, ``Correct Answer``, ``Time in seconds``, ``Image Link``,
``Answer explanation``. ``Question Type`` is ``Multiple Choice`` (one right option)
or ``Checkbox`` (several); ``Correct Answer`` is the option numbers.

A row with one right answer becomes ``single``, with several ``multiple``. Time
limits and image links are not kept (our quizzes time the whole attempt; nothing
is fetched). Every problem names its row. XLSX files are zips: entries are checked
(count, uncompressed size, names) before openpyxl opens them; a formula cell is an
error (type its value). Exported text never starts a formula.

What lives where (pure Python, no Flask, no database; each imports only the ones
above it, ``quiz.interchange.common`` and ``quiz.domain``):

- ``layouts``: the two layouts' headers and limits, finding the header row, a cell.
- ``cells``: a CSV or XLSX file's rows (``read_rows``), the XLSX zip checked first.
- ``importing``: rows as a validated bank (``import_sheet``).
- ``exporting``: a bank as a layout's rows, CSV or XLSX (``export_sheet``).

The ``import-sheet`` and ``export-sheet`` commands are in ``quiz.interchange.cli``.
"""

from __future__ import annotations

from quiz.interchange.common import Imported
from quiz.interchange.sheets.cells import read_rows
from quiz.interchange.sheets.exporting import (
    export_rows,
    export_sheet,
    plain,
    rows_csv,
    rows_xlsx,
    safe,
)
from quiz.interchange.sheets.importing import import_sheet
from quiz.interchange.sheets.layouts import (
    KAHOOT_HEADERS,
    KAHOOT_TIMES,
    LAYOUTS,
    WAYGROUND_HEADERS,
    find_header,
)

__all__ = [
    "KAHOOT_HEADERS",
    "KAHOOT_TIMES",
    "LAYOUTS",
    "WAYGROUND_HEADERS",
    "Imported",
    "export_rows",
    "export_sheet",
    "find_header",
    "import_sheet",
    "plain",
    "read_rows",
    "rows_csv",
    "rows_xlsx",
    "safe",
]
