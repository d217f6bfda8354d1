"""Score the policy rules on the hand-labelled applications (docs/evaluation-set.md, "Policies
that bite"): precision and recall per rule for the policies engaged and for the conflicts, then
per policy key.

    python manage.py triage_policy_eval [--labels FILE] [--verbose-cases]

The last lines are machine-readable:
ENGAGED precision=<x> recall=<x> n=<applications>, CONFLICTS ..., RAISED ... (either kind).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from triage.engines import build_extractor
from triage.evaluation.policy_labels import (
    CONFLICTS,
    ENGAGED,
    KINDS,
    LABELS_FILE,
    RAISED,
    evaluate_policies,
)
from triage.evaluation.runner import Score


def _line(name: str, score: Score) -> str:
    return (
        f"{name:34} {score.true_positives:4d} {score.false_positives:4d} "
        f"{score.false_negatives:4d} {score.precision:6.3f} {score.recall:6.3f}"
    )


class Command(BaseCommand):
    help = "Score the policy rules (engaged and conflicts) on the hand-labelled applications."

    def add_arguments(self, parser):
        parser.add_argument("--labels", type=Path, default=LABELS_FILE)
        parser.add_argument(
            "--verbose-cases", action="store_true", help="list every miss and false alarm"
        )

    def handle(self, *args, labels: Path, verbose_cases: bool, **options):
        if not labels.is_file():
            raise CommandError(f"No label file at {labels}.")
        evaluation = evaluate_policies(build_extractor("rules"), labels)
        write = self.stdout.write
        if verbose_cases:
            for application in evaluation.applications:
                for kind in KINDS:
                    expected = application.expected.rules[kind]
                    predicted = application.predicted.rules[kind]
                    for rule in sorted(expected - predicted):
                        write(f"{application.id}: MISSED {kind} {rule}")
                    for rule in sorted(predicted - expected):
                        write(f"{application.id}: FALSE {kind} {rule}")
        header = f"{'rule':34} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}"
        for kind, title in (
            (ENGAGED, "policies engaged"),
            (CONFLICTS, "conflicts"),
            (RAISED, "raised at all (engaged or conflict)"),
        ):
            write(f"{title}, per rule:")
            write(header)
            for rule, score in evaluation.rule_scores(kind).items():
                write(_line(rule, score))
        n = len(evaluation.applications)
        for kind, name in ((ENGAGED, "ENGAGED"), (CONFLICTS, "CONFLICTS")):
            score = evaluation.policy_score(kind)
            write(
                f"{name} precision={score.precision:.3f} recall={score.recall:.3f} "
                f"tp={score.true_positives} fp={score.false_positives} "
                f"fn={score.false_negatives} n={n}"
            )
        raised = evaluation.raised_score()
        write(
            f"RAISED precision={raised.precision:.3f} recall={raised.recall:.3f} "
            f"tp={raised.true_positives} fp={raised.false_positives} "
            f"fn={raised.false_negatives} n={n}"
        )
