import re
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EVALSET = Path(__file__).parent / "evalset"


def run_eval(*args) -> list[str]:
    out = StringIO()
    call_command("triage_eval", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_it_scores_the_rules_engine_per_code_and_overall(db):
    lines = run_eval(str(EVALSET), "--engine", "rules")
    # 7 expected, 6 found (the basement "no" is never said), nothing false.
    assert lines[-1] == "RESULT precision=1.000 recall=0.857 f1=0.923 n=2"
    row = next(line for line in lines if line.startswith("proposal.basement"))
    assert row.split()[1:4] == ["0", "0", "1"]
    evidence = next(line for line in lines if line.startswith("evidence:"))
    assert evidence == (
        "evidence: 6 findings, 6 quoted on the cited page, 6 supporting their value; 0 not counted"
    )
    throughput = next(line for line in lines if line.startswith("throughput"))
    assert float(re.search(r"([\d.]+) pages/second \(engine\)", throughput).group(1)) > 0


def test_it_scores_missing_documents_and_policy_conflicts_apart(db):
    lines = run_eval(str(EVALSET), "--engine", "rules", "--verbose-cases")
    # app-one has a checks.json: six of its seven labels found, the design and access statement
    # (not required for a householder extension) labelled wrongly on purpose.
    assert "CHECKS precision=1.000 recall=0.857 f1=0.923 n=1" in lines
    row = next(line for line in lines if line.startswith("engaged.policy "))
    assert row.split()[1:4] == ["2", "0", "0"]
    assert (
        "app-one: MISSED CHECK ('missing_document.design_and_access_statement', 'missing')" in lines
    )
    # Extraction's own scores are untouched by the checks.
    assert lines[-1] == "RESULT precision=1.000 recall=0.857 f1=0.923 n=2"


def test_it_rejects_a_folder_without_applications(tmp_path):
    with pytest.raises(CommandError, match="no application folders"):
        call_command("triage_eval", str(tmp_path))


def test_the_llm_engine_needs_a_model_server(db, settings):
    settings.LLM_BASE_URL = ""
    with pytest.raises(CommandError, match="LLM_BASE_URL"):
        call_command("triage_eval", str(EVALSET), "--engine", "llm")


def test_it_scores_a_set_re_flowed_as_pdfs_in_a_temporary_folder(db, tmp_path):
    before = set(Path(tempfile.gettempdir()).glob("triage-eval-pdf-*"))

    lines = run_eval(str(EVALSET), "--engine", "rules", "--as-pdf", "--verbose-cases")

    assert lines[0] == "re-flowed as PDFs: 2 text documents"
    # The same findings from the PDFs' text layer, with the documents' new names.
    assert lines[-1] == "RESULT precision=1.000 recall=0.857 f1=0.923 n=2"
    assert "app-one: MISSED ('proposal.basement', 'no', 'statement.pdf')" in lines
    assert "CHECKS precision=1.000 recall=0.857 f1=0.923 n=1" in lines
    # Nothing is left behind, and the set itself is untouched.
    assert set(Path(tempfile.gettempdir()).glob("triage-eval-pdf-*")) == before
    assert sorted(p.name for p in (EVALSET / "app-one" / "documents").iterdir()) == [
        "statement.txt"
    ]


def test_re_flowing_a_set_without_validation_labels_says_which_set(db):
    with pytest.raises(CommandError, match=f"{EVALSET} has no validation.json"):
        call_command("triage_eval", str(EVALSET), "--as-pdf", "--validation")
