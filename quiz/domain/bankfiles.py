"""Bank files on disk: finding them (a directory: every ``*.yaml`` in it) and
validating them all (``check_paths``), all or nothing per file. Pure (reads files)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path as FsPath

from quiz.domain.bankparse import parse_bank
from quiz.domain.bankyaml import BankError
from quiz.domain.loadedbank import LoadedBank


def bank_files(paths: Iterable[str | FsPath]) -> list[FsPath]:
    files: list[FsPath] = []
    for p in map(FsPath, paths):
        if p.is_dir():
            files += sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml"))
        else:
            files.append(p)
    return files


def check_paths(
    paths: Iterable[str | FsPath], display_root: FsPath | None = None
) -> tuple[list[LoadedBank], list[BankError]]:
    """Validate bank files (directories: every *.yaml in them). All or nothing per file;
    duplicate bank ids across files are an error too."""
    banks: list[LoadedBank] = []
    errors: list[BankError] = []
    ids: dict[str, str] = {}
    for path in bank_files(paths):
        shown = _display(path, display_root)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            errors.append(BankError(shown, 0, None, "-", "no such file"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(BankError(shown, 0, None, "-", f"cannot be read: {exc}"))
            continue
        bank, problems = parse_bank(text, shown)
        errors += problems
        if bank is None:
            continue
        if bank.id in ids:
            errors.append(
                BankError(shown, 1, None, "id", f"bank id {bank.id!r} also in {ids[bank.id]}")
            )
            continue
        ids[bank.id] = shown
        banks.append(bank)
    return banks, errors


def _display(path: FsPath, root: FsPath | None) -> str:
    try:
        return str(path.resolve().relative_to((root or FsPath.cwd()).resolve()))
    except ValueError:
        return str(path)
