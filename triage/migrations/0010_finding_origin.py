from django.db import migrations, models
from django.db.models import Q


def set_origin(apps, schema_editor):
    """Where each finding already held came from, read from its source and engine as they
    were written before there was a field for it."""
    Finding = apps.get_model("triage", "Finding")
    model = Q(engine__startswith="llm")
    Finding.objects.filter(source="officer").update(origin="officer", engine="officer")
    Finding.objects.filter(source="spatial").update(origin="spatial")
    Finding.objects.filter(model).exclude(source__in=["officer", "spatial"]).update(origin="model")
    Finding.objects.filter(source="document").exclude(model).update(origin="rules")
    # The policy rules wrote engine "rules" on their cross-check findings; the other checks
    # (validation, reading limits, consultations, discrepancies) their own names.
    Finding.objects.filter(source="check", engine="rules").update(origin="rules")
    Finding.objects.filter(source="check", engine="history").update(origin="spatial")
    Finding.objects.filter(source="check").exclude(model).exclude(
        engine__in=["rules", "history"]
    ).update(origin="check")


class Migration(migrations.Migration):
    dependencies = [("triage", "0009_run_model_usage")]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="origin",
            field=models.CharField(
                choices=[
                    ("rules", "Rules (documents and policies)"),
                    ("model", "Language model"),
                    ("spatial", "Constraint map"),
                    ("check", "Cross-check of the other findings"),
                    ("officer", "Officer"),
                ],
                default="check",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(set_origin, migrations.RunPython.noop),
    ]
