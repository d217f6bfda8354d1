"""Findings say what supports them (triage.vocabulary.Strength) instead of a constant
"confidence" number. Existing rows are given the strength their source and engine imply."""

from django.db import migrations, models


def strength_from_source(apps, schema_editor):
    Finding = apps.get_model("triage", "Finding")
    Finding.objects.filter(source="officer").update(strength="officer")
    Finding.objects.filter(source="check").update(strength="check")
    Finding.objects.filter(source="spatial").update(strength="map")
    Finding.objects.filter(source="spatial", grazes=True).update(strength="map-edge")
    Finding.objects.filter(source="spatial", relation="nearby").update(strength="map-edge")
    Finding.objects.filter(source="document", engine="rules").update(strength="direct")
    Finding.objects.filter(source="document").exclude(engine="rules").update(strength="model")


class Migration(migrations.Migration):
    dependencies = [("triage", "0007_run_readings")]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="strength",
            field=models.CharField(
                choices=[
                    ("form", "Stated on the application form"),
                    ("direct", "Stated in a document about this site or proposal"),
                    ("indirect", "Implied, or said in passing: check the quote"),
                    ("map", "On our constraint map"),
                    ("map-edge", "At the edge of our constraint map: check the boundary"),
                    ("model", "Read by the model; its quote is on the page"),
                    ("check", "Worked out from the other findings"),
                    ("officer", "Recorded by an officer"),
                ],
                default="direct",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(strength_from_source, migrations.RunPython.noop),
        migrations.RemoveField(model_name="finding", name="confidence"),
    ]
