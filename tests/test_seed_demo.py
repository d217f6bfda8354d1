"""`manage.py seed_demo`: a full queue for each demo council, made through the real services.

Triage is not run here: the test's transaction never commits, so the on-commit hooks that
queue triage runs never fire (the worker tests cover that path).
"""

import datetime
import io
import re
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from geo.services import NEARBY, check_site
from planning.models import ApplicationEvent, PastApplication, PlanningApplication, User
from planning.site_history.lookup import site_history
from policies.models import ConsultationRule

LOGINS = [
    f"{council}-{role}"
    for council in ("southwark", "trafford")
    for role in ("officer", "manager", "admin")
]
DENIALS = re.compile(
    r"not (?:within|in|located in) a conservation area|does not fall within any conservation"
    r"|is not listed|not a listed building|no protected trees|no tree preservation orders"
    r"|no article 4 direction",
    re.IGNORECASE,
)


def _text(document) -> str:
    with document.file.open("rb") as handle:
        return handle.read().decode()


def test_it_refuses_to_seed_before_the_demo_councils_exist(db):
    with pytest.raises(CommandError, match="load_demo"):
        call_command("seed_demo", stdout=io.StringIO())


def test_it_seeds_a_full_queue_for_each_council_once(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_constraints", "--no-progress", stdout=io.StringIO())
    before = {u.username: (u.password, u.role, u.council_id) for u in User.objects.all()}

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Seeded 323 demo applications" in out.getvalue()

    today = timezone.localdate()
    applications = PlanningApplication.objects.select_related("council", "assigned_officer")
    for code, slug, pattern in (
        ("E09000028", "southwark", r"^\d\d/AP/\d{4}$"),
        ("E08000009", "trafford", r"^\d{6}/(HHA|FUL|LBC|ADV|CPL|CEU|PAH|PAC)/\d\d$"),
    ):
        mine = list(applications.filter(council__code=code))
        assert len(mine) >= 150
        generated = [a for a in mine if a.source_format == "native"]
        assert all(re.match(pattern, a.reference) for a in generated)

        # Real places: inside the council's layers and plainly outside them.
        hits = [check_site(a.site) for a in mine]
        inside = [h for h in hits if any(hit.relation != NEARBY for hit in h)]
        assert len(inside) >= 40
        assert sum(1 for h in hits if not h) >= 40
        assert any(
            hit.dataset == "conservation-area" and hit.relation == "site-inside"
            for h in inside
            for hit in h
        )
        assert any(hit.dataset == "listed-building" for h in hits for hit in h)

        # A realistic mix of types and of where each application has got to.
        types = Counter(a.application_type for a in mine)
        for kind in (
            "pp.full.householder",
            "pp.full.minor",
            "pp.full.major",
            "pp.full",
            "listed",
            "ldc.proposed",
            "advertConsent",
            "pa.part1.classA",
        ):
            assert types[kind] >= 1, kind
        assert types["pp.full.householder"] >= 50
        assert any(a.eia_required for a in mine)
        assert any(a.proposed_dwellings and a.proposed_dwellings >= 10 for a in mine)
        statuses = Counter(a.status for a in mine)
        for status in ("received", "valid", "determined", "withdrawn"):
            assert statuses[status] >= 2, status
        decided = [a for a in mine if a.decision_date]
        assert {a.decision for a in decided} == {"granted", "refused"}
        assert {a.decision_level for a in decided} == {"delegated", "committee"}
        assert all(a.valid_date <= a.decision_date <= today for a in decided)
        assert any(a.decision_date > a.determination_deadline for a in decided)  # some late
        assert any(a.extension_of_time_until for a in mine)
        assert all(today - datetime.timedelta(days=183) <= a.received_date <= today for a in mine)

        # Officers: the demo login has a good share; some work waits for someone.
        officers = Counter(a.assigned_officer.username for a in mine if a.assigned_officer)
        assert officers[f"{slug}-officer"] >= 25
        assert len(officers) >= 4
        assert sum(1 for a in mine if a.assigned_officer is None) >= 10

        # Documents: statements and plans, some missing what the site calls for.
        documents = Counter()
        without_location_plan = 0
        for application in mine:
            kinds = [d.document_type for d in application.documents.all()]
            assert kinds, application.reference
            documents.update(kinds)
            without_location_plan += "locationPlan" not in kinds
        for kind in ("locationPlan", "designAndAccessStatement", "heritageStatement"):
            assert documents[kind] >= 10, kind
        assert documents["treeSurvey"] + documents["treeConditionReport"] >= 1
        assert sum(documents.values()) >= 2 * len(mine)
        assert without_location_plan >= 5

        # Heritage statements missing in conservation areas, and statements that deny what the
        # map shows.
        in_areas = [
            a
            for a, h in zip(mine, hits, strict=True)
            if any(x.dataset == "conservation-area" and x.relation == "site-inside" for x in h)
        ]
        assert any(
            not a.documents.filter(document_type="heritageStatement").exists() for a in in_areas
        )
        assert any(DENIALS.search(_text(d)) for a in in_areas for d in a.documents.all())

    assert applications.filter(council__code="E09000028", source_format="odp").count() == 3
    # Every change went through the services: each has its event, by the portal or an officer.
    assert ApplicationEvent.objects.filter(kind="submitted", actor_name="Demo portal").count() == (
        PlanningApplication.objects.count()
    )
    assert ApplicationEvent.objects.filter(kind="decided").count() == (
        PlanningApplication.objects.exclude(decision_date=None).count()
    )
    # The history is dated on its business days, so "recently updated" reads like a council's.
    assert not ApplicationEvent.objects.filter(at__gt=timezone.now()).exists()
    for event in ApplicationEvent.objects.filter(kind__in=["submitted", "decided"]).select_related(
        "application"
    )[:50]:
        day = timezone.localtime(event.at).date()
        application = event.application
        expected = (
            application.received_date if event.kind == "submitted" else (application.decision_date)
        )
        assert day == expected, (event.kind, application.reference)
    recent = PlanningApplication.objects.filter(
        last_activity_at__gte=timezone.now() - datetime.timedelta(days=14)
    ).count()
    assert recent < PlanningApplication.objects.count() / 2

    # Each council's sites have a generated planning history: several decades on some sites,
    # none on others, some refused, a few enforcement cases; and the consultation lists.
    for code in ("E09000028", "E08000009"):
        records = PastApplication.objects.filter(council__code=code, source="demo-register")
        assert records.count() >= 250, code
        assert records.filter(decision="refused").count() >= 20, code
        assert records.filter(kind="enforcement").exists(), code
        years = {record.decision_date.year for record in records}
        assert min(years) < 1985 and max(years) >= today.year - 2, code
        assert ConsultationRule.objects.filter(council__code=code).count() >= 8, code
    sites = PlanningApplication.objects.filter(council__code="E09000028").order_by("id")[:80]
    on_site = [
        [
            item
            for item in site_history(a.council_id, a.site, exclude_application=a.pk)
            if item.on_site and item.record.source == "demo-register"
        ]
        for a in sites
    ]
    assert sum(1 for found in on_site if not found) >= 15
    assert sum(1 for found in on_site if len({i.record.decided_on.year for i in found}) >= 3) >= 5
    assert any(item.refused for found in on_site for item in found)
    assert ConsultationRule.objects.filter(council__isnull=True).count() >= 12

    # A second run adds nothing.
    count = PlanningApplication.objects.count()
    history_count = PastApplication.objects.count()
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert PlanningApplication.objects.count() == count
    assert PastApplication.objects.count() == history_count
    assert again.getvalue().count("skipped") == 2
    assert "Seeded 0 demo applications" in again.getvalue()

    # The demo logins are as load_demo left them, and the new officers can sign in too.
    for username, (password, role, council) in before.items():
        user = User.objects.get(username=username)
        assert (user.password, user.role, user.council_id) == (password, role, council)
    for username in [*LOGINS, "southwark-officer-2", "trafford-officer-4"]:
        signing_in = RequestFactory().post("/sign-in/")
        assert authenticate(signing_in, username=username, password="demo-password-123")
    assert User.objects.get(username="southwark-officer-2").get_full_name() == "Amara Okafor"
