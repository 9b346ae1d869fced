"""Any text at all: the drafter refuses it with one line, or annotates it and drafts
a bank that `bank check` accepts; it never raises anything else (issue #19)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.domain import banklint
from quiz.domain.banks import parse_bank
from quiz.drafting import ArticleInputError, annotate, read_article
from quiz.drafting.bankdraft import NothingToDraft, draft_bank_yaml
from quiz.drafting.split import split_sentences

PIECES = st.sampled_from(
    [
        "rose",
        "fell",
        "40%",
        "5 percentage points",
        "from 2 to 10",
        "doubled",
        "per 100,000",
        "one in four",
        "a third of",
        "Dr.",
        "U.S.",
        "No. 3",
        "p.m.",
        "Jan.",
        "said",
        "should",
        "according to",
        "some experts",
        "stunning",
        "“",
        "”",
        '"',
        "—",
        ",",
        ".",
        "?",
        "!",
        "2024",
        "$2.5 million",
        "up from 7",
        "the agency",
        "must",
        "Officials",
        "3.5",
        "(",
        ")",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        "é",
        "\u00a0",
        "x" * 30,
    ]
)
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
BODY = st.lists(st.one_of(PIECES, WORDS), min_size=0, max_size=120).map(" ".join)
# most with a title line, so that most reach the annotation; some without
ARTICLE = st.one_of(
    st.tuples(st.lists(PIECES, max_size=6).map(" ".join), BODY).map("\n\n".join), BODY
)


@settings(max_examples=60)
@given(ARTICLE)
def test_any_text_is_refused_in_one_line_or_drafted_into_a_valid_bank(text: str) -> None:
    try:
        parsed = read_article(text.encode("utf-8"))
    except ArticleInputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for para in parsed.paragraphs[1:]:
        joined = " ".join(s.text for s in para)
        assert split_sentences(joined) == [s.text for s in para]
    ann = annotate(parsed)
    data = json.loads(json.dumps(ann.to_json()))
    ids = {s["id"] for s in data["sentences"]}
    for claim in data["claims"]:
        assert claim["sentence_id"] in ids
        sentence = next(s["text"] for s in data["sentences"] if s["id"] == claim["sentence_id"])
        assert claim["text_span"] in sentence
    try:
        text_yaml = draft_bank_yaml(ann)
    except NothingToDraft:
        return
    bank, errors = parse_bank(text_yaml, "draft.yaml")
    assert errors == [] and bank is not None, errors[:3]
    assert banklint.failed_checks(bank)[1] == []
