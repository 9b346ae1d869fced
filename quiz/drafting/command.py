"""``flask --app quiz draft ARTICLE.txt [-o bank.yaml] [--json]`` (click only, no Flask).

Reads the article, prints the annotation as JSON (``--json``) or drafts a bank
YAML that ``bank check`` accepts. Bad input is one line on standard error and
exit status 1; ``-o`` is written whole or not at all (a temporary file in the
same folder, renamed into place).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import click

from quiz.drafting.annotate import annotate
from quiz.drafting.bankdraft import NothingToDraft, draft_bank_yaml
from quiz.drafting.text import MAX_BYTES, ArticleInputError, read_article


def _fail(message: str) -> NoReturn:
    click.echo(f"draft: {message}", err=True)
    sys.exit(1)


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read(MAX_BYTES + 1)
        if Path(path).is_dir():
            _fail(f"{path} is a folder, not an article file.")
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1) + (b"x" if fh.read(1) else b"")
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}.")
    raise AssertionError("unreachable")


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("draft")
@click.argument("article", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option("--json", "as_json", is_flag=True, help="Print the annotation as JSON instead.")
def draft_command(article: str, output: str | None, as_json: bool) -> None:
    """Draft a question bank from ARTICLE (a text file: the title on the first line, a
    blank line, then paragraphs separated by blank lines; '-' reads stdin)."""
    from quiz.domain.banks import parse_bank  # the bank's own validation, as `bank check`

    data = _read(article)
    try:
        parsed = read_article(data)
    except ArticleInputError as exc:
        _fail(f"{article}: {exc}")
    ann = annotate(parsed)
    if as_json:
        text = json.dumps(ann.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        name = "standard input" if article == "-" else Path(article).name
        try:
            text = draft_bank_yaml(ann, source=f"Drafted from {name}")
        except NothingToDraft as exc:
            _fail(f"{article}: {exc}")
        bank, errors = parse_bank(text, output or "draft.yaml")
        if errors:  # a bug in the drafter: say so, write nothing
            for e in errors:
                click.echo(str(e), err=True)
            _fail("the drafted bank did not pass the bank's validation; nothing was written.")
    if output:
        try:
            write_atomically(output, text)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}.")
        what = "annotation" if as_json else f"draft bank ({len(bank.questions)} questions)"  # type: ignore[union-attr]
        click.echo(
            f"{output}: {what} from {len(ann.sentences)} sentences, {len(ann.claims)} claims.",
            err=True,
        )
    else:
        click.echo(text, nl=False)
