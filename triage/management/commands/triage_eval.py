"""Score an extraction engine on a labelled set: precision, recall and F1 per finding code.

    python manage.py triage_eval triage/evaluation/devset --engine rules

A finding counts only when its quote is on the cited page and supports the value; the evidence
line reports that check on its own, and the scores without it for comparison.

Cases with a checks.json are also scored on the application-level checks, missing documents
and policy conflicts (docs/evaluation-set.md), in a table of their own and a line
CHECKS precision=<x> recall=<x> f1=<x> n=<cases>; extraction's scores are not changed by them.

The last line is machine-readable: RESULT precision=<x> recall=<x> f1=<x> n=<documents>.

    python manage.py triage_eval ../shared/data/real-documents/trafford-2022 --validation

scores only the missing-document check on a set labelled with what was really missing
(validation.json: real, validated applications; triage.evaluation.validation_set): precision
and recall per required document, false alarms per application, debatable ones apart, ending
VALIDATION precision=<x> recall=<x> false_alarms_per_application=<x> n=<applications>.

    python manage.py triage_eval ../shared/data/real-documents/trafford-2022 --as-pdf

scores the same set re-flowed as PDFs in a temporary folder (triage.evaluation.reflow): what the
scores owe to the shape of the set's text rather than to what it says.
"""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.engines import build_extractor
from triage.evaluation.evidence import NOT_ON_PAGE
from triage.evaluation.reflow import reflow_set
from triage.evaluation.runner import case_folders, evaluate
from triage.evaluation.validation_set import (
    DEFAULT_COUNCIL,
    VALIDATION_FILE,
    ValidationEvaluation,
    evaluate_validation,
    has_validation_set,
)


class Command(BaseCommand):
    help = "Score an extraction engine (rules or llm) on a labelled folder of applications."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--engine", choices=["rules", "llm"], default="rules")
        parser.add_argument(
            "--verbose-cases", action="store_true", help="list every miss and false alarm"
        )
        parser.add_argument(
            "--validation",
            action="store_true",
            help=f"score the missing-document check against the set's {VALIDATION_FILE}",
        )
        parser.add_argument(
            "--as-pdf",
            action="store_true",
            help="score the set re-flowed as PDFs (hard-wrapped lines, page footers) and read "
            "back by the service's PDF text extraction, in a temporary folder",
        )
        parser.add_argument(
            "--council",
            default="",
            help="ONS code of the council whose policy library (and, with --validation, local "
            f"list) applies to cases naming none; with --validation {DEFAULT_COUNCIL} by default",
        )

    def handle(self, *args, directory: Path, **options):
        if not options["as_pdf"]:
            self._score(directory, **options)
            return
        if not directory.is_dir() or not case_folders(directory):
            raise CommandError(f"{directory} holds no application folders (application.json).")
        if options["validation"] and not has_validation_set(directory):
            raise CommandError(f"{directory} has no {VALIDATION_FILE}.")
        with tempfile.TemporaryDirectory(prefix="triage-eval-pdf-") as folder:
            renamed = reflow_set(directory, Path(folder))
            self.stdout.write(f"re-flowed as PDFs: {len(renamed)} text documents")
            self._score(Path(folder), **options)

    def _score(self, directory: Path, *, engine: str, verbose_cases: bool, council: str, **options):
        validation = options["validation"]
        if validation and not has_validation_set(directory):
            raise CommandError(f"{directory} has no {VALIDATION_FILE}.")
        if not validation and (not directory.is_dir() or not case_folders(directory)):
            raise CommandError(f"{directory} holds no application folders (application.json).")
        try:
            extractor = build_extractor(engine)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if validation:
            result = evaluate_validation(directory, extractor, council or DEFAULT_COUNCIL)
            self._report_validation(result, engine, verbose_cases)
            return
        evaluation = evaluate(directory, extractor, council=council)
        write = self.stdout.write
        for case in evaluation.cases:
            for problem in case.unreadable:
                write(f"{case.name}: unreadable {problem}")
            if verbose_cases:
                for key in sorted(case.expected - case.predicted):
                    write(f"{case.name}: MISSED {key}")
                for key in sorted(case.predicted - case.expected):
                    write(f"{case.name}: FALSE {key}")
                for key, problem in sorted(case.evidence_failures.items()):
                    write(f"{case.name}: EVIDENCE {key}: {problem}")
                for key in sorted(case.checks_expected - case.checks_predicted):
                    write(f"{case.name}: MISSED CHECK {key[:2]}")
                for key in sorted(case.checks_predicted - case.checks_expected):
                    write(f"{case.name}: FALSE CHECK {key[:2]}")
        per_code, overall = evaluation.scores()
        write(f"{'code':36} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6} {'f1':>6}")
        for code, score in per_code.items():
            write(
                f"{code:36} {score.true_positives:4d} {score.false_positives:4d} "
                f"{score.false_negatives:4d} {score.precision:6.3f} {score.recall:6.3f} "
                f"{score.f1:6.3f}"
            )
        findings = sum(len(case.predicted) for case in evaluation.cases)
        failures = [p for case in evaluation.cases for p in case.evidence_failures.values()]
        not_on_page = sum(1 for problem in failures if problem == NOT_ON_PAGE)
        _, unchecked = evaluation.scores(check_evidence=False)
        write(
            f"evidence: {findings} findings, {findings - not_on_page} quoted on the cited page, "
            f"{findings - len(failures)} supporting their value; {len(failures)} not counted"
        )
        write(
            f"without the evidence check: precision={unchecked.precision:.3f} "
            f"recall={unchecked.recall:.3f} f1={unchecked.f1:.3f}"
        )
        dropped = sum(case.dropped_quotes for case in evaluation.cases)
        out_of_scope = sum(case.out_of_scope for case in evaluation.cases)
        engine_rate = (
            evaluation.pages / evaluation.engine_seconds if evaluation.engine_seconds else 0
        )
        total_seconds = evaluation.engine_seconds + evaluation.text_seconds
        total_rate = evaluation.pages / total_seconds if total_seconds else 0
        write(
            f"engine={engine} applications={len(evaluation.cases)} "
            f"documents={evaluation.documents} pages={evaluation.pages} dropped_quotes={dropped} "
            f"out_of_scope={out_of_scope}"
        )
        write(
            f"throughput: {engine_rate:.1f} pages/second (engine), "
            f"{total_rate:.1f} pages/second (text extraction + engine)"
        )
        write("precision by evidence strength (triage.vocabulary.Strength):")
        for strength, score in evaluation.strength_scores().items():
            found = score.true_positives + score.false_positives
            write(
                f"  {strength or '-':10} {found:4d} findings {score.true_positives:4d} right "
                f"precision={score.precision:.3f}"
            )
        check_codes, checks_overall, checked = evaluation.check_scores()
        if checked:
            write("application-level checks (cases with checks.json):")
            for code, score in check_codes.items():
                write(
                    f"{code:46} {score.true_positives:4d} {score.false_positives:4d} "
                    f"{score.false_negatives:4d} {score.precision:6.3f} {score.recall:6.3f} "
                    f"{score.f1:6.3f}"
                )
            write(
                f"CHECKS precision={checks_overall.precision:.3f} "
                f"recall={checks_overall.recall:.3f} f1={checks_overall.f1:.3f} n={checked}"
            )
        write(
            f"RESULT precision={overall.precision:.3f} recall={overall.recall:.3f} "
            f"f1={overall.f1:.3f} n={evaluation.documents}"
        )

    def _report_validation(
        self, evaluation: ValidationEvaluation, engine: str, verbose_cases: bool
    ) -> None:
        write = self.stdout.write
        for result in evaluation.results:
            name = result.application.folder
            labelled = result.application
            for document in sorted(result.false_alarms):
                finding = result.finding(document)
                why = finding.attributes.get("why", "") if finding else ""
                write(f"{name}: FALSE missing {document} (applies because {why})")
            for document in sorted(result.misses):
                finding = result.finding(document)
                if finding is None:
                    how = "no requirement of ours applied"
                else:
                    how = f"taken as met by {finding.attributes.get('how', '')}"
                write(f"{name}: MISSED {document} ({how})")
            for document in sorted(result.debatable_raised):
                write(f"{name}: DEBATABLE {document}: {labelled.debatable[document][:120]}")
            if verbose_cases:
                for finding in result.findings:
                    if finding.code.startswith("requirement_met."):
                        document = finding.code.removeprefix("requirement_met.")
                        write(f"{name}: MET {document} by {finding.attributes.get('how', '')}")
        write(f"engine={engine} applications={evaluation.applications} (validation.json)")
        write(f"{'required document':36} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}")
        for document, score in evaluation.per_requirement().items():
            write(
                f"{document:36} {score.true_positives:4d} {score.false_positives:4d} "
                f"{score.false_negatives:4d} {score.precision:6.3f} {score.recall:6.3f}"
            )
        write(
            f"debatable: {evaluation.debatable_raised} raised of {evaluation.debatable_labelled} "
            "labelled (counted neither way)"
        )
        overall = evaluation.overall()
        write(
            f"VALIDATION precision={overall.precision:.3f} recall={overall.recall:.3f} "
            f"false_alarms_per_application={evaluation.false_alarms_per_application:.3f} "
            f"n={evaluation.applications}"
        )
