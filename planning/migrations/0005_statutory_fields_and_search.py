from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def derive_statutory_fields(apps, schema_editor):
    # Historical models lack the model's methods: apply planning.statutory directly.
    from planning.statutory import categorise, statutory_clock

    PlanningApplication = apps.get_model("planning", "PlanningApplication")
    for application in PlanningApplication.objects.iterator(chunk_size=2000):
        category = categorise(
            application.application_type,
            dwellings=application.proposed_dwellings,
            floorspace_m2=application.floorspace_m2,
            site_area_m2=application.site_area_m2,
            project_types=application.project_types or (),
        )
        clock = statutory_clock(
            application.valid_date,
            category=category,
            eia_required=application.eia_required,
            extension_of_time_until=application.extension_of_time_until,
        )
        PlanningApplication.objects.filter(pk=application.pk).update(
            category=category.category,
            ps2_code=category.ps2_code or "",
            statutory_deadline=clock.statutory_deadline,
            determination_deadline=clock.determination_deadline,
            last_activity_at=application.updated_at,
        )


class Migration(migrations.Migration):
    dependencies = [("planning", "0004_officers_work")]

    operations = [
        migrations.RunPython(derive_statutory_fields, migrations.RunPython.noop),
        TrigramExtension(),
        migrations.AddIndex(
            model_name="planningapplication",
            index=GinIndex(
                fields=["reference"], name="application_ref_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="planningapplication",
            index=GinIndex(
                fields=["address"], name="application_addr_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="planningapplication",
            index=GinIndex(
                fields=["description"], name="application_desc_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
