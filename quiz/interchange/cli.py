"""``flask --app quiz bank import-gift`` and the other interchange commands: plain
click commands (no app needed), added to the ``bank`` group by ``add_commands``.
The glue between files on disk and the pure readers and writers of ``gift``,
``qti`` and ``sheets``."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from quiz.domain.banks import LoadedBank, parse_bank
from quiz.interchange import gift, qti, sheets
from quiz.interchange.common import MAX_BYTES, Imported, dump_yaml


def add_commands(group: click.Group) -> None:
    for command in (
        import_gift_command,
        export_gift_command,
        export_qti_command,
        import_sheet_command,
        export_sheet_command,
    ):
        group.add_command(command)


def read_input(path: str) -> bytes:
    """A file's bytes, at most ``MAX_BYTES`` + 1 of them (the reader says it is too big)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        click.echo(f"{path}:0: cannot be read: {exc.strerror or exc}", err=True)
        sys.exit(1)


def write_output(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed into place)."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    except OSError as exc:
        click.echo(f"{path}: cannot be written: {exc.strerror or exc}", err=True)
        sys.exit(1)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finish_import(result: Imported, output: str | None, quiet_yaml: bool) -> None:
    """Report an import: its errors (exit 1), what was skipped or changed, the YAML."""
    for e in result.errors:
        click.echo(e, err=True)
    if result.errors or result.document is None:
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    for s in result.skipped:
        click.echo(f"skipped: {s}", err=True)
    for n in result.notes:
        click.echo(f"changed: {n}", err=True)
    click.echo(
        "The bank has no article yet: attach one on the bank's Article page "
        "(or replace the article's text in the file).",
        err=True,
    )
    text = dump_yaml(result.document)
    if output:
        write_output(output, text.encode())
        assert result.bank is not None
        click.echo(f"{output}: {len(result.bank.questions)} questions written.", err=True)
    elif not quiet_yaml:
        click.echo(text, nl=False)


@click.command("import-gift")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the bank YAML here.")
@click.option("--json", "as_json", is_flag=True, help="Print what was read, in Moodle's terms.")
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help="Import the rest when some questions (essay, description) have no type of ours.",
)
def import_gift_command(
    file: str, output: str | None, as_json: bool, skip_unsupported: bool
) -> None:
    """Import a Moodle GIFT file as a bank (checked like `bank check`; all or nothing)."""
    read, result = gift.import_gift(read_input(file), file, skip_unsupported=skip_unsupported)
    if as_json:
        report = read.to_json()
        # the problems found after reading (types, validation) as well, each with its line
        seen = {(e["line"], e["message"]) for e in report["errors"]}
        for e in result.errors:
            place, _, message = e.partition(": ")
            line = place.rsplit(":", 1)[-1]
            entry = (int(line) if line.isdigit() else 0, message)
            if entry not in seen:
                report["errors"].append({"line": entry[0], "message": entry[1]})
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    finish_import(result, output, quiet_yaml=as_json)


def load_bank_file(path: str) -> LoadedBank:
    """A bank YAML file, validated; exits 1 with its problems."""
    raw = read_input(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        click.echo(f"{path}:0: not UTF-8", err=True)
        sys.exit(1)
    bank, errors = parse_bank(text, path)
    for e in errors:
        click.echo(str(e), err=True)
    if bank is None:
        sys.exit(1)
    return bank


@click.command("export-gift")
@click.argument("bank_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the GIFT here.")
def export_gift_command(bank_file: str, output: str | None) -> None:
    """Export a bank file as Moodle GIFT; questions GIFT cannot carry are listed."""
    bank = load_bank_file(bank_file)
    text, skipped = gift.export_gift(bank)
    for s in skipped:
        click.echo(f"not exported: {s}", err=True)
    if output:
        write_output(output, text.encode())
        click.echo(f"{output}: {len(bank.questions) - len(skipped)} questions written.", err=True)
    else:
        click.echo(text, nl=False)


@click.command("export-qti")
@click.argument("bank_file", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="The .zip to write."
)
def export_qti_command(bank_file: str, output: str) -> None:
    """Export a bank file as an IMS QTI 2.1 content package (a .zip for Canvas,
    Blackboard, Moodle and other LMSs)."""
    bank = load_bank_file(bank_file)
    files, skipped = qti.package_files(bank)
    for s in skipped:
        click.echo(f"not exported: {s}", err=True)
    write_output(output, qti.zipped(files))
    items = len(bank.questions) - len(skipped)
    click.echo(f"{output}: {items} items, {len(files)} files.", err=True)


@click.command("import-sheet")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the bank YAML here.")
@click.option(
    "--skip-unsupported", is_flag=True, help="Import the rest when some rows are not choices."
)
def import_sheet_command(file: str, output: str | None, skip_unsupported: bool) -> None:
    """Import choice questions from a Kahoot or Wayground (Quizizz) spreadsheet, CSV or
    XLSX (the layout is found from its header row; all or nothing)."""
    result = sheets.import_sheet(read_input(file), file, skip_unsupported=skip_unsupported)
    finish_import(result, output, quiet_yaml=False)


@click.command("export-sheet")
@click.argument("bank_file", type=click.Path(dir_okay=False))
@click.option("--layout", type=click.Choice(sheets.LAYOUTS), default="kahoot", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="FILE.csv or FILE.xlsx"
)
def export_sheet_command(bank_file: str, layout: str, output: str) -> None:
    """Export a bank's choice questions as a Kahoot or Wayground spreadsheet (.xlsx or
    .csv, by the output's name); other questions are listed with the reason."""
    bank = load_bank_file(bank_file)
    fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    data, skipped = sheets.export_sheet(bank, layout, fmt)
    for s in skipped:
        click.echo(f"not exported: {s}", err=True)
    write_output(output, data)
    click.echo(f"{output}: {len(bank.questions) - len(skipped)} questions written.", err=True)
