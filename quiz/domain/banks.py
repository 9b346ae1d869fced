"""Bank files: read YAML with line numbers, validate, and report every problem.

The format is documented in ``question_banks/README.md``. Validation is pure
Python and shared by every way a bank comes in: a problem is reported as
``FILE:LINE: question ID: field: message`` and a bank with any problem is not
loaded at all. The public names, from the modules that hold them:

- ``bankyaml``: the YAML document with its line numbers, ``BankError``;
- ``loadedbank``: ``LoadedBank`` and ``digest``;
- ``bankcatalogue``: the bank's skills, categories, misconceptions and article;
- ``bankparse``: ``parse_bank``, ``parse_bank_data``, ``question_from_spec``;
- ``bankfiles``: ``bank_files``, ``check_paths``.
"""

from __future__ import annotations

from quiz.domain.bankfiles import bank_files, check_paths
from quiz.domain.bankparse import BANK_FIELDS, parse_bank, parse_bank_data, question_from_spec
from quiz.domain.bankyaml import BankError, format_path
from quiz.domain.loadedbank import LoadedBank, digest

__all__ = [
    "BANK_FIELDS",
    "BankError",
    "LoadedBank",
    "bank_files",
    "check_paths",
    "digest",
    "format_path",
    "parse_bank",
    "parse_bank_data",
    "question_from_spec",
]
