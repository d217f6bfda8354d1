"""Consultation lists: loaded from files (the national list and councils' samples), versioned,
and each council's edited in the admin by that council's administrator only."""

import pytest
from django.core.management import CommandError

from policies import services
from policies.files import CONSULTATION_FILES, DATA, PolicyFileError, parse_consultations_file
from policies.models import ConsultationRule
from tests.policies.commands import output_of


def load(*args) -> str:
    return output_of("load_consultations", *args)


def test_the_bundled_lists_read_and_each_rule_names_its_legal_basis():
    national, southwark, trafford = (parse_consultations_file(path) for path in CONSULTATION_FILES)

    assert len(national.rules) >= 12 and national.council == ""
    assert all(rule.legal_basis and rule.reason for rule in national.rules)
    assert all(rule.statutory for rule in national.rules)
    consultees = {rule.consultee for rule in national.rules}
    assert {"environment-agency", "natural-england", "historic-england"} <= consultees
    assert {"lead-local-flood-authority", "health-and-safety-executive"} <= consultees
    # The councils' lists say they are samples.
    assert "(sample)" in southwark.name and "(sample)" in trafford.name
    for path in CONSULTATION_FILES[1:]:
        assert "SAMPLE" in path.read_text().splitlines()[0]


def test_it_loads_the_national_list_and_the_lists_of_councils_it_knows(southwark):
    output = load()

    assert "National list: 13 added" in output
    assert "London Borough of Southwark consultation list (sample): 10 added" in output
    assert "consultations-trafford.toml: skipped" in output
    keys = [rule.key for rule in services.consultation_rules_for(southwark)]
    assert "flood-zone" in keys and "conservation-officer-area" in keys
    assert "conservation-officer-area" not in [
        rule.key for rule in services.consultation_rules_for(None)
    ]
    flood = next(r for r in services.consultation_rules_for(southwark) if r.key == "flood-zone")
    assert (flood.list_name, flood.consultee, flood.statutory) == (
        "National list",
        "environment-agency",
        True,
    )


def test_until_a_national_list_is_loaded_the_bundled_one_applies(southwark):
    keys = [rule.key for rule in services.consultation_rules_for(southwark)]

    assert "flood-zone" in keys and "conservation-officer-area" not in keys


def test_a_reload_follows_the_file_keeps_what_the_admin_added_and_versions_each_change(
    southwark, tmp_path
):
    path = tmp_path / "consultations-a.toml"
    path.write_text(LIST.format(extra=""))
    load(str(path))
    ConsultationRule.objects.create(
        council=southwark, key="added-by-hand", consultee="x", consultee_name="X", reason="r"
    )
    path.write_text(LIST.format(extra="min_dwellings = 10").replace(SECOND_RULE, ""))

    output = load(str(path))

    assert "0 added, 1 updated, 1 removed, 0 unchanged" in output
    rule = ConsultationRule.objects.get(council=southwark, key="noise")
    assert rule.min_dwellings == 10
    assert [row.history_type for row in rule.history.order_by("history_id")] == ["+", "~"]
    assert ConsultationRule.objects.filter(key="added-by-hand").exists()
    assert not ConsultationRule.objects.filter(key="trees").exists()


SECOND_RULE = """
[[rule]]
key = "trees"
consultee = "tree-officer"
consultee_name = "Tree officer"
reason = "Trees."
proposal = ["tree-works"]
"""
LIST = (
    """[list]
council = "E09000028"
name = "A list"

[[rule]]
key = "noise"
consultee = "environmental-protection"
consultee_name = "Environmental protection"
reason = "New homes by the railway."
datasets = ["greenspace"]
within_m = 30
{extra}
"""
    + SECOND_RULE
)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('colour = "red"', "unknown fields colour"),
        ('categories = ["huge"]', "categories has huge"),
        ('datasets = ["unicorn-habitat"]', "datasets has unicorn-habitat"),
        ("min_storeys = 2.5", "min_storeys must be a whole number"),
        ('statutory = "yes"', "statutory must be true or false"),
    ],
)
def test_it_refuses_a_rule_it_cannot_read_and_names_the_place(tmp_path, extra, message):
    path = tmp_path / "consultations-bad.toml"
    path.write_text(LIST.format(extra=extra).replace('datasets = ["greenspace"]\n', ""))
    if "within_m" in path.read_text() and "datasets" not in extra:
        path.write_text(path.read_text().replace("within_m = 30\n", ""))

    with pytest.raises(PolicyFileError, match=message) as raised:
        parse_consultations_file(path)
    assert "consultations-bad.toml rule 1" in str(raised.value)


def test_a_distance_needs_layers_to_measure_from(tmp_path):
    path = tmp_path / "consultations-bad.toml"
    path.write_text(LIST.format(extra="").replace('datasets = ["greenspace"]\n', ""))

    with pytest.raises(CommandError, match="within_m needs datasets"):
        load(str(path))


def test_a_council_admin_edits_only_their_own_councils_list(
    southwark, trafford, client, southwark_admin
):
    load()
    load(str(DATA / "consultations-trafford.toml"))
    client.force_login(southwark_admin)
    own = ConsultationRule.objects.get(council=southwark, key="archaeology")
    national = ConsultationRule.objects.get(council__isnull=True, key="flood-zone")
    theirs = ConsultationRule.objects.get(council=trafford, key="ecology-woodland")

    listing = client.get("/admin/policies/consultationrule/").content.decode()
    assert "Greater London Archaeology Advisory Service" in listing
    assert "Environment Agency" in listing and "Greater Manchester Ecology Unit" not in listing
    url = "/admin/policies/consultationrule/{}/change/"
    assert client.get(url.format(own.pk)).status_code == 200
    page = client.get(url.format(national.pk))
    assert page.status_code == 200 and "Save" not in page.content.decode()
    assert client.get(url.format(theirs.pk)).status_code == 302
    response = client.post(
        url.format(national.pk),
        {"key": "flood-zone", "consultee": "x", "consultee_name": "Changed", "reason": "r"},
    )
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.consultee_name == "Environment Agency"


def test_a_council_admin_adds_a_rule_to_their_own_list_and_its_history_names_them(
    southwark, trafford, client, southwark_admin
):
    client.force_login(southwark_admin)

    response = client.post(
        "/admin/policies/consultationrule/add/",
        {
            "council": trafford.pk,  # ignored: the field is not theirs to set
            "key": "network-rail",
            "consultee": "network-rail",
            "consultee_name": "Network Rail",
            "reason": "Next to the railway: Network Rail advises on the safety of its line.",
            "legal_basis": "Council practice",
            "active": "on",
            "datasets": ["greenspace"],
            "within_m": "10",
            "proposal": ["new-building"],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    added = ConsultationRule.objects.get(key="network-rail")
    assert (added.council, added.datasets, added.within_m) == (southwark, ["greenspace"], 10.0)
    assert added.history.get().history_user == southwark_admin


def test_the_admin_says_a_distance_needs_layers(southwark, client, southwark_admin):
    client.force_login(southwark_admin)

    response = client.post(
        "/admin/policies/consultationrule/add/",
        {"key": "k", "consultee": "c", "consultee_name": "C", "reason": "r", "within_m": "10"},
    )

    assert response.status_code == 200
    assert "Choose the layers to measure the distance from." in response.content.decode()
    assert not ConsultationRule.objects.exists()
