"""The policy library: the NPPF paragraph by paragraph, councils' policy files, and reloads that
keep the text an earlier finding cited."""

import pytest
from django.core.management import CommandError

from policies import services
from policies.files import (
    DATA,
    NPPF_FILE,
    PolicyFileError,
    parse_nppf,
    parse_policy_file,
)
from policies.models import Policy, PolicyFramework
from tests.policies.commands import output_of

SOUTHWARK_PLAN = DATA / "southwark-plan-2022.toml"


def load(*args) -> str:
    return output_of("load_policies", *args)


def test_it_reads_every_numbered_paragraph_of_the_nppf_with_its_chapter_and_heading():
    nppf = parse_nppf(NPPF_FILE)
    paragraphs = {entry.reference: entry for entry in nppf.policies}

    assert list(paragraphs) == [str(n) for n in range(1, 244)]
    assert paragraphs["212"].chapter == "16. Conserving and enhancing the historic environment"
    assert paragraphs["212"].heading == "Considering potential impacts"
    assert paragraphs["212"].text.startswith(
        "When considering the impact of a proposed development on the significance of a "
        "designated heritage asset, great weight should be given to the asset\u2019s conservation"
    )
    assert paragraphs["154"].chapter == "13. Protecting Green Belt land"
    assert "c) the extension or alteration of a building" in paragraphs["154"].text
    # A heading the conversion ran into the paragraph before it is the next ones' heading.
    assert paragraphs["169"].text.endswith("the criteria used in identifying suitable areas.")
    assert paragraphs["170"].heading == "Planning and flood risk"
    assert "flood-risk" in paragraphs["174"].topics
    # Footnote markers are not part of the text; the annex keeps its paragraphs.
    assert "[^" not in paragraphs["153"].text
    assert paragraphs["231"].chapter == "Annex 1: Implementation"
    assert "Open Government Licence" in nppf.licence


def test_it_loads_the_nppf_and_the_samples_of_councils_it_knows(southwark):
    output = load()

    assert "National Planning Policy Framework (December 2024): version 1, 243 added" in output
    assert "Southwark Plan 2022 (sample summaries): version 1, 13 added" in output
    assert "trafford-core-strategy-2012.toml: skipped (No council with the code E08000009" in output
    library = services.library_for(southwark)
    assert library.paragraph("212").citation == "NPPF paragraph 212"
    assert [p.reference for p in library.local_for(("conservation-area", "heritage"))] == ["P20"]
    directions = {p.reference for p in library.article_4_directions()}
    assert "HMO-HENSHAW-STREET" in directions
    # Another council sees the national policies only.
    assert not services.library_for(None).local


def test_a_reload_keeps_the_text_an_earlier_finding_cited(southwark, tmp_path):
    load()
    first = Policy.objects.get(framework__slug="southwark-plan-2022", reference="P20")
    changed = tmp_path / "southwark-plan-2022.toml"
    text = SOUTHWARK_PLAN.read_text()
    text = text.replace("should preserve or enhance its character", "must preserve its character")
    text = text.replace('reference = "P2"\n', 'reference = "P2-REMOVED"\n')
    changed.write_text(text)

    assert "unchanged (13 policies, version 1)" in load("--local", str(SOUTHWARK_PLAN))
    output = load("--local", str(changed))

    assert "version 2, 1 added, 1 changed, 1 removed, 11 unchanged" in output
    first.refresh_from_db()
    assert first.current is False and first.superseded_at is not None
    assert "should preserve or enhance its character" in first.text  # what was cited stays
    second = Policy.objects.get(
        framework__slug="southwark-plan-2022", reference="P20", current=True
    )
    assert (second.version, "must preserve its character" in second.text) == (2, True)
    assert not Policy.objects.filter(reference="P2", current=True).exists()
    framework = PolicyFramework.objects.get(slug="southwark-plan-2022")
    assert framework.version == 2


def test_it_refuses_a_policy_file_it_cannot_read(southwark, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[framework]\nslug = "x-plan"\nname = "X"\ncitation = "Policy"\ncouncil = "E09000028"\n'
        'licence = "ours"\n[[policy]]\nreference = "X1"\ntitle = "X"\ntopics = ["weather"]\n'
        'summary = "Something."\n'
    )
    with pytest.raises(CommandError, match="topics has weather"):
        load("--local", str(broken))
    with pytest.raises(PolicyFileError, match="give either text"):
        broken.write_text(broken.read_text().replace('topics = ["weather"]\n', "") + 'text = "T"\n')
        parse_policy_file(broken)


def test_a_local_file_for_a_council_not_loaded_is_refused_when_named(db):
    with pytest.raises(CommandError, match="No council with the code E09000028"):
        load("--local", str(SOUTHWARK_PLAN))
