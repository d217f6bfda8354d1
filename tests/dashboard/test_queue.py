"""The officers' queue through HTTP: tabs, filters with counts, search, sort, pages."""

import datetime
import re

import pytest
from django.utils import timezone

from planning.models import ApplicationStatus
from tests.factories import PlanningApplicationFactory
from triage.models import LANE_RANK, TriageSummary


def make(council, reference, *, lane="", team="", score=0, datasets=(), days_left=None, **fields):
    """An application with a triage summary, its deadline `days_left` days from today."""
    if days_left is not None:
        # A householder application's deadline is 8 weeks after its valid date.
        fields["valid_date"] = timezone.localdate() + datetime.timedelta(days=days_left - 56)
        fields.setdefault("status", ApplicationStatus.VALID)
        fields.setdefault("received_date", fields["valid_date"])
    application = PlanningApplicationFactory(council=council, reference=reference, **fields)
    if lane:
        TriageSummary.objects.create(
            application=application,
            lane=lane,
            team=team,
            lane_rank=LANE_RANK[lane],
            priority_score=score,
            latest_status="succeeded",
            constraint_datasets=list(datasets),
        )
    return application


def references(response) -> list[str]:
    table = response.content.decode().split('data-test-id="queue"', 1)[-1]
    return re.findall(r'href="/applications/\d+/">([^<]+)</a>', table)


def count_beside(response, label: str) -> int:
    match = re.search(
        re.escape(label) + r' <span class="app-filter-count">\((\d+)\)', response.content.decode()
    )
    assert match, f"no filter option {label!r}"
    return int(match.group(1))


@pytest.fixture
def caseload(southwark, trafford, people):
    officer = people["officer"]
    return {
        "urgent": make(
            southwark,
            "SWK/1",
            lane="needs-attention",
            score=60,
            days_left=3,
            datasets=["conservation-area"],
            assigned_officer=officer,
            address="1 Grove Lane, London SE5 8SY",
        ),
        "standard": make(
            southwark,
            "SWK/2",
            lane="standard",
            score=20,
            days_left=30,
            datasets=["listed-building"],
            address="2 Bermondsey Street, London SE1 3UW",
        ),
        "late": make(
            southwark,
            "SWK/3",
            lane="standard",
            score=20,
            days_left=-4,
            assigned_officer=officer,
            description="Change of use from shop to two flats",
        ),
        "fast": make(southwark, "SWK/4", lane="fast-track", score=0, days_left=40),
        "new": make(southwark, "SWK/5", address="5 Peckham Road, London SE15 5LQ"),
        "decided": make(
            southwark,
            "SWK/6",
            lane="standard",
            score=10,
            status=ApplicationStatus.DETERMINED,
            decision="granted",
            valid_date=timezone.localdate() - datetime.timedelta(days=90),
            decision_date=timezone.localdate() - datetime.timedelta(days=60),
        ),
        "theirs": make(trafford, "TRF/1", lane="needs-attention", score=90, days_left=1),
    }


@pytest.fixture
def signed_in(client, people):
    client.force_login(people["officer"])
    return client


def test_an_officer_with_work_starts_on_their_own_tab_in_priority_order(signed_in, caseload):
    response = signed_in.get("/")
    assert response.status_code == 200
    assert references(response) == ["SWK/1", "SWK/3"]
    assert 'aria-current="page">Assigned to me' in response.content.decode()


def test_all_open_is_ordered_by_lane_then_score_then_days_left(signed_in, caseload):
    response = signed_in.get("/?tab=open")
    assert references(response) == ["SWK/1", "SWK/3", "SWK/2", "SWK/4", "SWK/5"]


@pytest.mark.parametrize(
    "tab, expected",
    [
        ("unassigned", ["SWK/2", "SWK/4", "SWK/5"]),
        ("decided", ["SWK/6"]),
    ],
)
def test_each_tab_holds_its_applications(signed_in, caseload, tab, expected):
    assert references(signed_in.get(f"/?tab={tab}")) == expected


def test_recently_updated_shows_what_changed(signed_in, caseload, people):
    from planning.services import Actor, record_event

    record_event(caseload["fast"], "document_added", "Document added: plans.pdf", actor=Actor("x"))
    response = signed_in.get("/?tab=recent")
    assert references(response)[0] == "SWK/4"
    assert "Document added: plans.pdf" in response.content.decode()


def test_filters_narrow_and_their_counts_stay_beside_every_option(signed_in, caseload):
    response = signed_in.get("/?tab=open&lane=standard")
    assert references(response) == ["SWK/3", "SWK/2"]
    # Other lanes keep their counts (given the other filters), so one can switch or add.
    assert count_beside(response, "Needs attention") == 1
    assert count_beside(response, "Fast track") == 1
    assert count_beside(response, "Not triaged yet") == 1
    # Other filters count within the chosen lane.
    assert count_beside(response, "Overdue") == 1
    both = signed_in.get("/?tab=open&lane=standard&lane=fast-track&deadline=overdue")
    assert references(both) == ["SWK/3"]


def test_it_filters_by_constraint_officer_and_deadline(signed_in, caseload, people):
    assert references(signed_in.get("/?tab=open&dataset=listed-building")) == ["SWK/2"]
    assert references(signed_in.get("/?tab=open&officer=none")) == ["SWK/2", "SWK/4", "SWK/5"]
    officer = people["officer"].pk
    assert references(signed_in.get(f"/?tab=open&officer={officer}")) == ["SWK/1", "SWK/3"]
    assert references(signed_in.get("/?tab=open&deadline=at-risk")) == ["SWK/1"]
    assert references(signed_in.get("/?tab=open&deadline=not-valid")) == ["SWK/5"]


def test_a_filter_value_not_in_the_list_is_explained_and_ignored(signed_in, caseload):
    response = signed_in.get("/?tab=open&lane=urgent")
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a lane from the list" in page
    assert len(references(response)) == 5


@pytest.mark.parametrize(
    "query, expected",
    [
        ("SWK/2", ["SWK/2"]),
        ("se158ah", []),
        ("SE15 5LQ", ["SWK/5"]),
        ("se155lq", ["SWK/5"]),
        ("grove lane", ["SWK/1"]),
        ("two flats", ["SWK/3"]),
    ],
)
def test_one_search_box_finds_reference_postcode_address_and_description(
    signed_in, caseload, query, expected
):
    assert references(signed_in.get("/", {"tab": "open", "q": query})) == expected


def test_every_column_sorts_on_the_server(signed_in, caseload):
    assert references(signed_in.get("/?tab=open&sort=days")) == [
        "SWK/3",
        "SWK/1",
        "SWK/2",
        "SWK/4",
        "SWK/5",
    ]
    assert references(signed_in.get("/?tab=open&sort=-reference")) == [
        "SWK/5",
        "SWK/4",
        "SWK/3",
        "SWK/2",
        "SWK/1",
    ]
    page = signed_in.get("/?tab=open&sort=score").content.decode()
    assert 'aria-sort="ascending"' in page


def test_it_pages_through_long_queues(signed_in, southwark, settings):
    settings.QUEUE_PAGE_SIZE = 5
    for number in range(12):
        make(southwark, f"P/{number:02d}", lane="standard", score=number, days_left=20)
    first = signed_in.get("/?tab=open")
    third = signed_in.get("/?tab=open&page=3")
    assert len(references(first)) == 5 and len(references(third)) == 2
    assert "page 3 of 3" in third.content.decode()
    assert set(references(first)).isdisjoint(references(third))


def test_days_left_are_tags_red_when_overdue(signed_in, caseload):
    page = signed_in.get("/?tab=open").content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">4 days overdue</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">3 days</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--grey">30 days</strong>' in page


def test_another_councils_applications_never_show_not_even_in_counts(client, caseload, people):
    client.force_login(people["trafford_officer"])
    response = client.get("/?tab=open")
    assert references(response) == ["TRF/1"]
    assert count_beside(response, "Needs attention") == 1
    assert "SWK/" not in response.content.decode()


def test_an_officer_assigns_an_application_to_themselves_from_the_queue(
    signed_in, caseload, people
):
    response = signed_in.post(
        f"/applications/{caseload['fast'].pk}/assign-to-me", {"next": "/?tab=unassigned"}
    )
    assert response["Location"] == "/?tab=unassigned"
    caseload["fast"].refresh_from_db()
    assert caseload["fast"].assigned_officer == people["officer"]
    # An external "next" is not followed.
    response = signed_in.post(
        f"/applications/{caseload['new'].pk}/assign-to-me", {"next": "https://example.org/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "query",
    [
        "tab=open",
        "tab=open&lane=standard&lane=none",
        "tab=open&deadline=overdue&deadline=not-valid",
        "tab=open&dataset=conservation-area&dataset=listed-building",
        "tab=open&officer=none&category=other",
        "tab=open&status=valid&deadline=at-risk",
        "tab=decided&lane=standard",
        "tab=open&q=SE1&type=pp.full.householder",
    ],
)
def test_the_count_and_every_option_count_agree_with_the_rows_shown(
    signed_in, caseload, settings, query
):
    settings.QUEUE_PAGE_SIZE = 500
    response = signed_in.get(f"/?{query}")
    shown = len(references(response))
    match = re.search(r"([\d,]+) applications?", response.content.decode())
    assert int(match.group(1).replace(",", "")) == shown
    # Choosing an option adds exactly as many rows as its count said (when nothing else of
    # that filter is chosen).
    for label, name, value in [
        ("Needs attention", "lane", "needs-attention"),
        ("Overdue", "deadline", "overdue"),
        ("Listed building", "dataset", "listed-building"),
    ]:
        if f"{name}=" in query or label not in response.content.decode():
            continue
        narrowed = signed_in.get(f"/?{query}&{name}={value}")
        assert len(references(narrowed)) == count_beside(response, label), (query, label)


def test_specialist_cases_come_after_those_needing_attention_and_name_their_team(
    signed_in, caseload, southwark
):
    make(southwark, "SWK/7", lane="specialist", team="heritage", score=5, days_left=50)

    response = signed_in.get("/?tab=open")

    assert references(response) == ["SWK/1", "SWK/7", "SWK/3", "SWK/2", "SWK/4", "SWK/5"]
    page = response.content.decode()
    assert '<strong class="govuk-tag govuk-tag--turquoise">Specialist: heritage</strong>' in page
    assert count_beside(response, "Specialist (heritage, flood risk, ecology, trees)") == 1
    filtered = signed_in.get("/?tab=open&lane=specialist")
    assert references(filtered) == ["SWK/7"]
    by_lane = signed_in.get("/?tab=open&sort=lane")
    assert references(by_lane)[:2] == ["SWK/1", "SWK/7"]


@pytest.fixture
def older_decisions(southwark):
    today = timezone.localdate()
    return {
        "last-year": make(
            southwark,
            "SWK/7",
            status=ApplicationStatus.DETERMINED,
            decision="refused",
            valid_date=today - datetime.timedelta(days=240),
            decision_date=today - datetime.timedelta(days=200),
        ),
        "long-ago": make(
            southwark,
            "SWK/8",
            status=ApplicationStatus.DETERMINED,
            decision="granted",
            valid_date=today - datetime.timedelta(days=900),
            decision_date=today - datetime.timedelta(days=850),
        ),
        "withdrawn": make(
            southwark,
            "SWK/9",
            status=ApplicationStatus.WITHDRAWN,
            withdrawn_date=today - datetime.timedelta(days=5),
        ),
    }


@pytest.mark.parametrize(
    "query, expected, words",
    [
        ("", ["SWK/6", "SWK/9"], "2 applications decided or withdrawn in the last 3 months"),
        (
            "&decided=365",
            ["SWK/6", "SWK/7", "SWK/9"],
            "3 applications decided or withdrawn in the last 12 months",
        ),
        (
            "&decided=all",
            ["SWK/6", "SWK/7", "SWK/8", "SWK/9"],
            "4 applications decided or withdrawn at any time",
        ),
    ],
)
def test_the_decided_tab_looks_back_as_far_as_asked(
    signed_in, caseload, older_decisions, query, expected, words
):
    response = signed_in.get(f"/?tab=decided{query}")
    # Newest decision first; withdrawn ones (no decision) after, in the period of their date.
    assert references(response) == expected
    assert words in response.content.decode()


def test_the_decided_tabs_period_is_kept_by_the_search_and_the_filters(
    signed_in, caseload, older_decisions
):
    page = signed_in.get("/?tab=decided&decided=all").content.decode()
    assert page.count('<input type="hidden" name="decided" value="all">') == 1  # the search
    assert re.search(r'name="decided" type="radio" value="all" checked', page)  # the filters
    assert references(signed_in.get("/?tab=decided&decided=all&q=SWK/8")) == ["SWK/8"]


def test_an_empty_period_offers_to_look_further_back(signed_in, southwark, older_decisions):
    from planning.models import PlanningApplication

    PlanningApplication.objects.filter(reference="SWK/9").delete()
    page = signed_in.get("/?tab=decided").content.decode()
    assert "Nothing in this view matches." in page
    assert 'href="?tab=decided&amp;decided=all">Look at any time</a>' in page


def test_a_period_we_do_not_offer_is_an_error_and_the_default_is_shown(
    signed_in, caseload, older_decisions
):
    response = signed_in.get("/?tab=decided&decided=forever")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#filter-decided">Select how far back to look from the list</a>' in page
    assert references(response) == ["SWK/6", "SWK/9"]


def test_other_tabs_ignore_the_period(signed_in, caseload, older_decisions):
    page = signed_in.get("/?tab=open&decided=forever").content.decode()
    assert "There is a problem" not in page
    assert 'name="decided"' not in page
