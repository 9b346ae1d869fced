"""QTI 2.1 export (issue #21): every item and the assessment test validate against the
IMS QTI 2.1 XSD shipped in tests/data/qti/xsd; the manifest is what Canvas's importer
detects as QTI 2; scoring follows our rules."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from quiz.domain.banks import LoadedBank, parse_bank
from quiz.interchange import gift
from quiz.interchange.cli import export_qti_command
from quiz.interchange.qti import CP, NS, export_qti, package_files
from tests.conftest import SHIPPED_BANKS

XSD = Path(__file__).parent / "data" / "qti" / "xsd" / "qtiv2p1" / "imsqti_v2p1.xsd"
FEATURES = Path(__file__).parent / "data" / "gift" / "features.gift"
Q = f"{{{NS}}}"


def _files(bank: LoadedBank) -> dict[str, bytes]:
    files, skipped = package_files(bank)
    assert skipped == []  # every type of ours has its item
    return files


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _shipped() -> LoadedBank:
    bank, errors = parse_bank((SHIPPED_BANKS / "ice-assaults-500.yaml").read_text(), "ice.yaml")
    assert bank is not None, errors
    return bank


def _features() -> LoadedBank:
    result = gift.import_gift(FEATURES.read_bytes(), "features.gift")[1]
    assert result.bank is not None, result.errors
    return result.bank


@pytest.mark.parametrize("make", [_shipped, _features], ids=["shipped", "gift-corpus"])
def test_every_item_and_the_test_validate_against_the_qti_21_xsd(make):
    bank = make()
    files = _files(bank)
    data, skipped = export_qti(bank)
    assert skipped == []
    items = [n for n in files if n.startswith("items/")]
    assert len(items) == len(bank.questions)
    for name in [*items, "assessment.xml"]:
        doc = etree.fromstring(files[name])
        assert _schema().validate(doc), (name, _schema().error_log.last_error)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == set(files)
        assert archive.testzip() is None


def test_the_schema_really_checks():
    files = _files(_features())
    doc = etree.fromstring(files["assessment.xml"])
    doc.append(etree.Element(f"{Q}notAnElement"))
    assert not _schema().validate(doc)


def test_every_type_has_its_interaction():
    bank = _shipped()
    files = _files(bank)
    wanted = {
        "single": "choiceInteraction",
        "multiple": "choiceInteraction",
        "text": "textEntryInteraction",
        "numeric": "textEntryInteraction",
        "classify": "matchInteraction",
        "highlight": "hottextInteraction",
    }
    seen = set()
    for q in bank.questions:
        doc = etree.fromstring(files[f"items/Q_{q.id}.xml"])
        assert doc.find(f".//{Q}{wanted[q.type]}") is not None, q.id
        assert doc.find(f"{Q}responseProcessing") is not None
        assert doc.findall(f"{Q}modalFeedback"), q.id
        seen.add(q.type)
    assert seen == set(wanted)


def test_manifest_is_detected_as_qti_2_and_names_every_file():
    files = _files(_shipped())
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert manifest.tag == f"{{{CP}}}manifest"
    assert NS in manifest.nsmap.values()  # Canvas looks for the QTI 2.1 namespace
    assert manifest.findtext(f"{{{CP}}}metadata/{{{CP}}}schema") == "QTIv2.1 Package"
    types = [r.get("type") for r in manifest.iter(f"{{{CP}}}resource")]
    assert types.count("imsqti_test_xmlv2p1") == 1
    assert types.count("imsqti_item_xmlv2p1") == len(files) - 3
    for f in manifest.iter(f"{{{CP}}}file"):
        assert f.get("href") in files


def test_multiple_scores_right_minus_wrong_over_right_in_points():
    files = _files(_features())
    doc = etree.fromstring(files["items/Q_mc-weights.xml"])
    mapping = doc.find(f".//{Q}mapping")
    assert mapping is not None and mapping.get("lowerBound") == "0"
    values = {e.get("mapKey"): e.get("mappedValue") for e in mapping}
    assert values == {"O_a": "0.5", "O_b": "0.5", "O_c": "-0.5"}


def test_markdown_becomes_xhtml_and_nothing_unsafe_passes():
    files = _files(_features())
    doc = etree.fromstring(files["items/Q_tf-false.xml"])
    prompt = doc.find(f".//{Q}prompt")
    assert prompt is not None and prompt.find(f"{Q}strong").text == "made"
    assert b"script" not in files["items/Q_html.xml"]


def test_export_qti_command_writes_the_zip(tmp_path):
    out = tmp_path / "ice.zip"
    bank = SHIPPED_BANKS / "ice-assaults-500.yaml"
    result = CliRunner().invoke(export_qti_command, [str(bank), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: 42 items, 45 files." in result.stderr
    assert "not exported" not in result.stderr
    with zipfile.ZipFile(out) as archive:
        assert "imsmanifest.xml" in archive.namelist()


def test_export_qti_of_a_broken_bank_exits_1_with_its_problems(tmp_path):
    broken = tmp_path / "b.yaml"
    broken.write_text("id: x\n")
    result = CliRunner().invoke(export_qti_command, [str(broken), "-o", str(tmp_path / "o.zip")])
    assert result.exit_code == 1
    assert "b.yaml:1: bank: title: is required" in result.stderr
    assert not (tmp_path / "o.zip").exists()


def test_a_control_character_never_breaks_the_package():
    """XML 1.0 cannot carry C0 control characters (a bank may hold one, from a GIFT
    file or a YAML escape): the package's own texts leave them out, and a question
    holding one is left out with the reason; what goes out still validates."""
    import yaml

    doc = yaml.safe_load(next(SHIPPED_BANKS.glob("*.yaml")).read_text())
    question = next(q for q in doc["questions"] if q["type"] == "text")
    question["prompt"] = "A bell\x07 rings"
    doc["title"] += "\x02"
    doc["article"]["title"] += "\x01"
    bank, errors = parse_bank(yaml.safe_dump(doc, allow_unicode=True), "control.yaml")
    assert bank is not None, errors
    files, skipped = package_files(bank)
    assert skipped == [
        f"question {question['id']} (text): a text of it holds a control character, "
        "which XML cannot carry"
    ]
    schema = _schema()
    for name, data in files.items():
        if name.startswith("items/"):
            assert schema.validate(etree.fromstring(data)), name
    assert b"\x01" not in files["article.html"] and b"\x02" not in files["assessment.xml"]
