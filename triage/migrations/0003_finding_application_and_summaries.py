import django.db.models.deletion
from django.db import migrations, models

LANE_RANK = {"needs-attention": 0, "standard": 1, "fast-track": 2}


def summarise(apps, schema_editor):
    TriageRun = apps.get_model("triage", "TriageRun")
    TriageSummary = apps.get_model("triage", "TriageSummary")
    Finding = apps.get_model("triage", "Finding")
    application_ids = TriageRun.objects.values_list("application_id", flat=True).distinct()
    for application_id in application_ids.iterator():
        runs = TriageRun.objects.filter(application_id=application_id).order_by("-version")
        latest = runs.first()
        result = runs.filter(status="succeeded").first()
        datasets = []
        if result is not None:
            datasets = sorted(
                set(
                    Finding.objects.filter(run=result, source="spatial", grazes=False)
                    .exclude(relation="nearby")
                    .values_list("dataset", flat=True)
                )
            )
        TriageSummary.objects.update_or_create(
            application_id=application_id,
            defaults={
                "latest_run": latest,
                "latest_status": latest.status,
                "result_run": result,
                "lane": result.lane if result else "",
                "lane_rank": LANE_RANK.get(result.lane, 3) if result else 3,
                "priority_score": (result.priority_score or 0) if result else 0,
                "constraint_datasets": datasets,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0005_statutory_fields_and_search"),
        ("triage", "0002_summary_and_officer_findings"),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE triage_finding SET application_id = run.application_id "
            "FROM triage_triagerun AS run WHERE run.id = triage_finding.run_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="finding",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="findings",
                to="planning.planningapplication",
            ),
        ),
        migrations.RunPython(summarise, migrations.RunPython.noop),
    ]
