"""Validation lists: loaded from files, and each council's edited in the admin by that council's
administrator only."""

import datetime

import pytest

from policies import services
from policies.files import DATA, PolicyFileError, parse_requirements_file
from policies.models import ValidationRequirement
from tests.policies.commands import output_of

SOUTHWARK_LIST = DATA / "validation-southwark.toml"


def load(*args) -> str:
    return output_of("load_validation_requirements", *args)


def test_it_loads_the_national_list_and_the_local_lists_of_councils_it_knows(southwark):
    output = load()

    assert "National list: 17 added" in output
    assert "London Borough of Southwark local list (sample): 3 added" in output
    assert "validation-trafford.toml: skipped" in output
    keys = [r.key for r in services.requirements_for(southwark)]
    assert "heritage-statement" in keys and "basement-impact-assessment" in keys
    assert "basement-impact-assessment" not in [r.key for r in services.requirements_for(None)]
    location = next(r for r in services.requirements_for(southwark) if r.key == "location-plan")
    assert (location.list_name, location.document) == ("National list", "location_plan")


def test_a_reload_follows_the_file_and_keeps_what_the_admin_added(southwark, tmp_path):
    load()
    ValidationRequirement.objects.create(
        council=southwark, key="noise-report", document="noise_report", title="Noise report",
        reason="Near a railway.",
    )  # fmt: skip
    shorter = tmp_path / "validation-southwark.toml"
    text = SOUTHWARK_LIST.read_text()
    shorter.write_text(text[: text.index('[[requirement]]\nkey = "basement-impact-assessment"')])
    # The same file name: it replaces what that file loaded before.
    output = load(str(shorter))

    assert "0 added, 0 updated, 1 removed, 2 unchanged" in output
    rows = ValidationRequirement.objects.filter(council=southwark)
    keys = set(rows.values_list("key", flat=True))
    assert keys == {"cil-form-new-dwellings", "cil-form-floorspace", "noise-report"}


def test_a_council_admin_edits_only_their_own_councils_list(
    southwark, trafford, client, southwark_admin
):
    load()
    load(str(DATA / "validation-trafford.toml"))
    client.force_login(southwark_admin)
    own = ValidationRequirement.objects.get(council=southwark, key="basement-impact-assessment")
    national = ValidationRequirement.objects.get(council__isnull=True, key="heritage-statement")
    theirs = ValidationRequirement.objects.get(council=trafford, key="ecological-survey")

    listing = client.get("/admin/policies/validationrequirement/").content.decode()
    assert "Basement impact assessment" in listing and "Heritage statement" in listing
    assert "Ecological survey" not in listing
    url = "/admin/policies/validationrequirement/{}/change/"
    assert client.get(url.format(own.pk)).status_code == 200
    # The national list is there to read, not to change; another council's is not there at all.
    page = client.get(url.format(national.pk))
    assert page.status_code == 200 and "Save" not in page.content.decode()
    assert client.get(url.format(theirs.pk)).status_code == 302

    response = client.post(
        url.format(national.pk),
        {"key": "heritage-statement", "document": "heritage_statement", "title": "Changed",
         "reason": "r", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.title == "Heritage statement"


def test_a_council_admin_adds_a_requirement_to_their_own_list(
    southwark, trafford, client, southwark_admin
):
    client.force_login(southwark_admin)
    response = client.post(
        "/admin/policies/validationrequirement/add/",
        {
            "council": trafford.pk,  # ignored: the field is not theirs to set
            "key": "noise-assessment",
            "document": "noise_assessment",
            "title": "Noise assessment",
            "reason": "New homes next to the railway need a noise assessment.",
            "active": "on",
            "application_types": "pp.",
            "proposal": ["new-dwellings"],
            "file_name_words": "noise",
            "in_force_from": "2026-04-01",
            "exemptions": ["householder"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = ValidationRequirement.objects.get(key="noise-assessment")
    assert added.council == southwark
    assert (added.application_types, added.proposal, added.file_name_words) == (
        ["pp."],
        ["new-dwellings"],
        ["noise"],
    )
    assert (added.in_force_from, added.exemptions) == (datetime.date(2026, 4, 1), ["householder"])


LIST = """[list]
council = "E09000028"
name = "A list"
in_force_from = 2020-01-01
{list_extra}

[[requirement]]
key = "noise-assessment"
document = "noise_assessment"
title = "Noise assessment"
reason = "Near the railway."
in_force_from = 2021-05-01
{requirement_extra}

[[requirement]]
key = "cil-form"
document = "cil_form"
title = "CIL form"
reason = "CIL."
"""


def write_list(tmp_path, list_extra="", requirement_extra=""):
    path = tmp_path / "validation-a.toml"
    path.write_text(LIST.format(list_extra=list_extra, requirement_extra=requirement_extra))
    return path


def test_a_requirement_is_in_force_while_it_and_its_list_are(tmp_path):
    noise, cil = parse_requirements_file(write_list(tmp_path)).requirements
    assert (noise.in_force_from, noise.in_force_until) == (datetime.date(2021, 5, 1), None)
    assert (cil.in_force_from, cil.in_force_until) == (datetime.date(2020, 1, 1), None)
    assert not cil.in_force_on(datetime.date(2019, 12, 31))
    assert cil.in_force_on(datetime.date(2020, 1, 1))
    lapsed = write_list(tmp_path, list_extra="in_force_until = 2022-01-01")
    noise, cil = parse_requirements_file(lapsed).requirements
    assert noise.in_force_until == cil.in_force_until == datetime.date(2022, 1, 1)
    assert not cil.in_force_on(datetime.date(2022, 1, 1))


@pytest.mark.parametrize(
    ("list_extra", "requirement_extra", "message"),
    [
        ("", 'in_force_until = "soon"', "in_force_until must be a date"),
        ("", "in_force_until = 2021-01-01", "in_force_until must be after in_force_from"),
        ("", 'exemptions = ["small"]', "exemptions has small"),
        ('published = "2020"', "", "unknown fields published"),
        ("", 'part_of_application_form = "yes"', "part_of_application_form must be true"),
    ],
)
def test_it_refuses_dates_and_exemptions_it_cannot_read(
    tmp_path, list_extra, requirement_extra, message
):
    with pytest.raises(PolicyFileError, match=message):
        parse_requirements_file(write_list(tmp_path, list_extra, requirement_extra))


def test_the_loaded_lists_keep_their_dates_and_exemptions(southwark):
    load()
    major, small = (
        ValidationRequirement.objects.get(council__isnull=True, key=key)
        for key in ("biodiversity-net-gain-major", "biodiversity-net-gain-small-sites")
    )
    assert (major.in_force_from, small.in_force_from) == (
        datetime.date(2024, 2, 12),
        datetime.date(2024, 4, 2),
    )
    assert "householder" in major.exemptions and "self-build" in small.exemptions
    basement = next(
        r for r in services.requirements_for(southwark) if r.key == "basement-impact-assessment"
    )
    assert basement.in_force_from == datetime.date(2015, 4, 15)
    form = next(r for r in services.requirements_for(None) if r.key == "ownership-certificate")
    assert form.part_of_application_form
