"""Documents as some council registers publish their text: one line per element, led by its kind
and the title of the section it sits in ("Text: THE PROPOSAL The proposal is ..."). The texts
here are written for the tests in that shape; none is copied from a real register."""

from triage.extractors.base import ApplicationFacts, DocumentInput
from triage.extractors.rules import RulesExtractor
from triage.structure import Role, Section, document_blocks
from triage.text import PageText
from triage.vocabulary import Strength


def elements(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


STATEMENT = elements(
    "Header: Planning Statement 2",
    "Text: Planning Statement Planning Statement",
    "Text: Planning Statement 12 Elm Road, Sale",
    "Text: SITE AND SURROUNDINGS SITE AND SURROUNDINGS",
    "Text: SITE AND SURROUNDINGS The site lies within the Elm Road Conservation Area.",
    "Image: SITE AND SURROUNDINGS",
    "Text: SITE AND SURROUNDINGS Figure 1: the site from the road",
    "Text: THE PROPOSAL THE PROPOSAL",
    "Text: THE PROPOSAL The proposal is a new single storey rear extension.",
    "Text: PLANNING HISTORY PLANNING HISTORY",
    "Text: PLANNING HISTORY 2019 - Erection of a two storey side extension - approved.",
    "Text: 3 HOURS OF WORK AND DEMOLITION ......................................... 7",
)


def blocks_of(text: str):
    return document_blocks([PageText(1, text)])


def extract(text: str, application_type="pp.full.householder", description="", **facts):
    document = DocumentInput("doc.md", "doc.md", [PageText(1, text)])
    application = ApplicationFacts("26/0001", application_type, description, **facts)
    return RulesExtractor().extract(application, [document]).findings


def test_it_reads_each_paragraph_in_the_section_its_title_names():
    blocks = blocks_of(STATEMENT)
    by_text = {block.text: block for block in blocks}

    site = by_text["The site lies within the Elm Road Conservation Area."]
    assert (site.role, site.section, site.heading) == (
        Role.PARAGRAPH,
        Section.SITE,
        "SITE AND SURROUNDINGS",
    )
    assert by_text["The proposal is a new single storey rear extension."].section == (
        Section.PROPOSAL
    )
    assert by_text["THE PROPOSAL"].role == Role.HEADING
    history = by_text["2019 - Erection of a two storey side extension - approved."]
    assert history.section == Section.HISTORY
    # Running headers and image placeholders are furniture, not text.
    assert not any(block.text.startswith(("Planning Statement 2", "Image")) for block in blocks)
    # Every block is still a verbatim slice of its page, past the element's kind and title.
    for block in blocks:
        assert STATEMENT[block.start : block.end] == block.text


def test_its_claims_come_from_the_right_sections_and_quote_the_content_only():
    found = {(f.code, f.value): f for f in extract(STATEMENT)}

    assert set(found) == {
        ("constraint.conservation_area", "present"),
        ("proposal.storeys", "1"),
    }
    quote = found[("constraint.conservation_area", "present")].evidence.quote
    assert not quote.startswith("Text:") and "SITE AND SURROUNDINGS" not in quote


def test_a_contents_entry_states_nothing():
    entry = next(b for b in blocks_of(STATEMENT) if "HOURS OF WORK" in b.text)
    assert entry.role == Role.LABEL


FORM = elements(
    "Text: Publication of applications on planning authority websites Publication of "
    "applications on planning authority websites",
    "Text: Description of Proposed Works Description of Proposed Works",
    "Text: Description of Proposed Works Please describe the proposed works",
    "Text: Description of Proposed Works Erection of a two storey side extension.",
    "Text: Trees and Hedges Trees and Hedges",
    "Text: Trees and Hedges Are there any trees or hedges on the property protected by a "
    "Tree Preservation Order?",
    "Text: Trees and Hedges O Yes ONo",
    "Text: Listed Building Listed Building",
    "Text: Listed Building Is the building a listed building?",
    "Text: Listed Building \u00a9 O O @",
    "Text: Site Plan Site Plan",
    "Text: Site Plan A plan is also advised when works affect a conservation area (see the "
    "guidance notes).",
    "Text: Declaration Declaration",
    "Text: Declaration I / We hereby apply for Householder planning & listed building consent "
    "as described in this form and the accompanying plans.",
)


def test_a_forms_questions_and_lost_tick_boxes_yield_nothing_and_its_declaration_a_claim():
    found = {(f.code, f.value): f for f in extract(FORM)}

    assert set(found) == {("constraint.listed_building", "present"), ("proposal.storeys", "2")}
    assert found[("constraint.listed_building", "present")].strength == Strength.FORM
    assert "hereby apply for" in found[("constraint.listed_building", "present")].evidence.quote
    roles = {block.text: block.role for block in blocks_of(FORM)}
    assert roles["O Yes ONo"] == Role.TICK_BOXES
    assert roles["\u00a9 O O @"] == Role.TICK_BOXES
    assert roles[
        "A plan is also advised when works affect a conservation area (see the guidance notes)."
    ] == (Role.GUIDANCE)


def test_a_form_with_only_questions_claims_nothing():
    questions = elements(
        "Text: Publication of applications on planning authority websites Publication of "
        "applications on planning authority websites",
        "Text: Trees and Hedges Trees and Hedges",
        "Text: Trees and Hedges Are there trees protected by a Tree Preservation Order?",
        "Text: Trees and Hedges Yes No",
        "Text: Change of use Change of use",
        "Text: Change of use Does the proposal include a change of use of land or buildings?",
        "Text: Change of use O Yes ONo",
        "Text: Flood risk Flood risk",
        "Text: Flood risk Is the site within an area at risk of flooding (flood zone 2 or 3)?",
        "Text: Flood risk OQ Yes ONo",
        "Text: Listed Building Listed Building",
        "Text: Listed Building Is any of the land to which the proposal relates a listed building?",
        "Text: Listed Building @No",
    )
    assert extract(questions) == []


def test_the_answer_describing_an_approved_development_is_history():
    form = elements(
        "Text: Publication of applications on planning authority websites Publication of "
        "applications on planning authority websites",
        "Text: Description of the Proposal Description of the Proposal",
        "Text: Description of the Proposal Please provide a description of the approved "
        "development as shown on the decision letter",
        "Text: Description of the Proposal Demolition of the garage and erection of two new "
        "dwellings of three storeys.",
        "Text: Discharge of Conditions Discharge of Conditions",
        "Text: Discharge of Conditions Please list the details being submitted",
        "Text: Discharge of Conditions Materials samples for condition 3.",
        "Text: Part Discharge Part Discharge",
        "Text: Part Discharge Are you seeking to discharge only part of a condition?",
        "Text: Part Discharge O QNo",
        "Text: Declaration Declaration",
        "Text: Declaration I / We hereby apply for Approval of details reserved by a condition "
        "as described in this form.",
    )
    history = next(b for b in blocks_of(form) if b.text.startswith("Demolition of the garage"))
    assert history.section == Section.HISTORY
    assert extract(form, application_type="approval.conditions") == []


def test_a_table_flattened_into_one_line_is_read_cell_by_cell():
    row = elements(
        "Text: Summary Summary",
        "Text: Summary Our Ref. ABC12 Project Type Street cabinet Conservation Area Elm Road "
        "Statutory Listed Buildings in None vicinity",
    )
    found = {(f.code.split(".")[1], f.value) for f in extract(row)}
    assert found == {("conservation_area", "present"), ("listed_building", "absent")}


def test_a_tree_forms_order_number_field_and_its_declaration():
    form = elements(
        "Text: Publication of applications on planning authority websites Publication of "
        "applications on planning authority websites",
        "Text: What Are You Applying For? What Are You Applying For?",
        "Text: What Are You Applying For? Do you know the Tree Preservation Order number(s)?",
        "Text: What Are You Applying For? \u00a9 ONo",
        "Text: What Are You Applying For? Please enter the title or number for each relevant "
        "Tree Preservation Order",
        "Text: What Are You Applying For? TPO 145 A2",
        "Text: What Are You Applying For? Where trees are protected you must also provide:",
        "Text: What Are You Applying For? Reasons for the work; and where trees are being felled",
        "Text: Declaration Declaration",
        "Text: Declaration I / We hereby apply for Tree works: Trees in conservation "
        "areas/subject to TPOs as described in this form.",
    )
    found = {(f.code, f.value): f for f in extract(form, application_type="wtt.consent")}
    assert set(found) == {
        ("constraint.tree_preservation_order", "present"),
        ("proposal.tree_works", "yes"),
    }
    assert "TPO 145 A2" in found[("constraint.tree_preservation_order", "present")].evidence.quote
    assert "hereby apply for Tree works" in found[("proposal.tree_works", "yes")].evidence.quote
