"""Banks in and out of the tools schools already use (issue #21).

Pure Python: no Flask, no database. Every importer here turns a file into the
same plain bank data that a bank file holds and hands it to
``quiz.domain.banks.parse_bank_data``: the one validation path shared with
``flask --app quiz bank check`` and the authoring upload. A file with any problem
imports nothing, and every problem is reported with its place (``FILE:LINE``, or
the spreadsheet's row).

- ``common``: what the importers share: reading bytes (size, UTF-8, line ends),
  keys, the article an imported bank starts with, text formats as Markdown, the
  default feedback and explanation, the bank data's validation and YAML.
- ``gift/``: Moodle's GIFT format, read as Moodle's own importer reads it
  (``question/format/gift/format.php``), and written back.
- ``qti/``: an IMS QTI 2.1 content package for Canvas, Blackboard and other LMSs.
- ``sheets/``: choice questions in the Kahoot and Wayground (Quizizz) spreadsheet
  layouts, CSV or XLSX, both ways.
- ``cli``: the ``flask --app quiz bank import-gift`` family of commands (files on
  disk in and out; the only module here that uses click).

What they may import: ``common``, ``gift``, ``qti`` and ``sheets`` import the
standard library, their parsers' libraries, ``quiz.domain``, ``quiz.questions``
and each other (``common`` first); never Flask, SQLAlchemy or ``quiz.store``.
Storing an imported bank is the web glue's work (``quiz.authoring.interchange_views``).

Parsers never execute or fetch anything: XML is read through ``defusedxml``,
zip entries are checked for path traversal, count and size, and HTML is
sanitised with ``nh3``.
"""
