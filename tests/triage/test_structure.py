"""Document structure: page text into typed blocks with roles and sections, as both engines read
it. Built from text shaped like real council documents: PDF text with hard line breaks and no
blank lines, running headers and footers, Planning Portal form text with lost tick boxes."""

from triage.structure import Role, Section, document_blocks, section_of
from triage.text import PageText

FORM = """Householder Application for Planning Permission for works or extension to a dwelling
and listed building consent for alteration, extension or demolition of a listed building.
Town and Country Planning Act 1990; Planning (Listed Buildings and Conservation Areas) Act 1990
Publication of applications on planning authority websites.
Description of Proposed Works
Please describe details of the proposed development or works including any change of use
Erection of a single storey rear extension following removal of the lean-to.
Has the work already been started without consent?
Yes
No
Trees and Hedges
Are you wishing to carry out works to trees in a conservation area?
Yes
No
If Yes to either or both of the above, you may need to provide a full Tree Survey, at the
discretion of your local planning authority.
Residential Units
Total net gain or loss of residential units
3
"""


def blocks_of(*pages: str):
    return document_blocks([PageText(i, text) for i, text in enumerate(pages, start=1)])


def roles(blocks) -> list[tuple[str, str]]:
    return [(block.role.name, block.text.split("\n")[0][:40]) for block in blocks]


def test_every_block_is_a_verbatim_slice_of_its_page():
    pages = [FORM, "Heading\nA paragraph that wraps over the end of one line and\ninto the next."]
    for block in blocks_of(*pages):
        assert pages[block.page - 1][block.start : block.end] == block.text


def test_a_form_keeps_its_questions_tick_boxes_and_guidance_apart_from_its_answers():
    found = {block.text.split("\n")[0]: block for block in blocks_of(FORM)}

    assert blocks_of(FORM)[0].role == Role.TITLE
    statutes = "Town and Country Planning Act 1990; Planning (Listed Buildings and Conservation"
    assert found[statutes + " Areas) Act 1990"].role == Role.LABEL
    question = found["Are you wishing to carry out works to trees in a conservation area?"]
    assert question.role == Role.QUESTION and not question.states_claims
    assert (
        found[
            "If Yes to either or both of the above, you may need to provide a full Tree "
            "Survey, at the"
        ].role
        == Role.GUIDANCE
    )
    assert (
        found[
            "Please describe details of the proposed development or works including any "
            "change of use"
        ].role
        == Role.GUIDANCE
    )
    answer = found["Erection of a single storey rear extension following removal of the lean-to."]
    assert answer.role == Role.ANSWER and answer.states_proposal
    ticks = [block for block in blocks_of(FORM) if block.text == "Yes\nNo"]
    assert ticks and all(block.role == Role.TICK_BOXES for block in ticks)
    assert found["Total net gain or loss of residential units"].role == Role.FIELD
    assert all(block.section == Section.FORM for block in found.values())


def test_sections_come_from_headings_and_history_rows_are_history_anywhere():
    text = (
        "2. Methodology\n"
        "The assessment grades significance as follows:\n"
        "High Grade II listed buildings and conservation areas\n"
        "4. The Site and its Surroundings\n"
        "The site lies within the Camberwell Grove Conservation Area.\n"
        "6. Planning History\n"
        "15/AP/3317 Erection of a two storey extension with a basement. Refused 18/01/2016\n"
        "8. The Proposal\n"
        "A single storey rear extension is proposed.\n"
        "09/AP/2043 Felling of a sycamore in the rear garden. No objection 30/10/2009\n"
        "Appendix A: List entries\n"
        "Terrace of four houses. Three storeys and basement.\n"
    )
    blocks = blocks_of(text)

    def section(start: str) -> Section:
        return next(block.section for block in blocks if block.text.startswith(start))

    assert section("High Grade II listed buildings") == Section.METHODOLOGY
    assert section("The site lies within") == Section.SITE
    assert section("15/AP/3317") == Section.HISTORY
    assert section("A single storey rear extension") == Section.PROPOSAL
    assert section("09/AP/2043") == Section.HISTORY
    assert section("Terrace of four houses") == Section.APPENDIX


def test_an_appendix_runs_to_the_end_past_its_own_headings_but_a_contents_list_is_no_appendix():
    text = (
        "Contents\n"
        "Appendices:\n"
        "Appendix 1: Site photographs\n"
        "Introduction\n"
        "This statement supports the erection of a two storey side extension.\n"
        "The Proposal\n"
        "The extension is of two storeys with a pitched roof.\n"
        "Conclusion\n"
        "The proposal accords with the development plan.\n"
        "Appendix 1\n"
        "Relevant Planning History\n"
        "REFERENCE\n"
        "DESCRIPTION\n"
        "Erection of a dwelling with basement parking following demolition of the bungalow.\n"
        "Site photographs\n"
        "View of the front elevation from the street.\n"
    )
    blocks = blocks_of(text)

    def section(start: str) -> Section:
        return next(block.section for block in blocks if block.text.startswith(start))

    assert section("The extension is of two storeys") == Section.PROPOSAL
    assert section("Erection of a dwelling with basement") == Section.APPENDIX
    assert section("View of the front elevation") == Section.APPENDIX


def test_a_numbered_heading_in_capitals_is_a_heading_with_its_full_stop():
    text = (
        "4.2 RELEVANT PLANNING HISTORY (LAST TEN YEARS) OF THE SITE AND ITS NEIGHBOURS.\n"
        "-Erection of a two storey house with a detached double garage. -Approved with "
        "conditions.\n"
        "5. THE PROPOSAL\n"
        "A single storey rear extension is proposed.\n"
    )
    blocks = blocks_of(text)

    assert blocks[0].role == Role.HEADING
    assert blocks[1].section == Section.HISTORY
    assert blocks[-1].section == Section.PROPOSAL


def test_appendices_named_in_a_contents_list_do_not_start_an_appendix():
    text = (
        "Contents\n"
        "1. Introduction .......... 2\n"
        "Appendices\n"
        "Appendix 1: Assessment Methodology .......... 15\n"
        "Appendix 2: Legislation .......... 21\n"
        "Introduction\n"
        "This assessment considers the replacement of the shopfront and the new signage at\n"
        "the house, which is not a listed building but lies within the conservation area,\n"
        "and the effect of the works on the character and appearance of that area as a\n"
        "whole.\n"
    )
    blocks = blocks_of(text)

    assert blocks[-1].section == Section.GENERAL
    assert next(block for block in blocks if block.text == "Appendices").role == Role.LABEL


def test_a_sentence_ending_on_a_full_line_does_not_end_the_paragraph_but_a_heading_does():
    lines = [
        "The mature copper beech in the next garden is protected by a Tree Preservation Order.",
        "Its root protection area does not reach the new basement, and no works to the tree are",
        "proposed. The excavation is kept two metres clear of the boundary with that garden, as",
        "the arboricultural report recommends for trees of this size and age in clay soils.",
        "The Proposal",
        "A basement is proposed beneath the rear extension.",
    ]
    assert len(lines[0]) + 1 + len("Its") > max(len(line) for line in lines)

    found = roles(blocks_of("\n".join(lines)))

    assert found == [
        ("PARAGRAPH", "The mature copper beech in the next gard"),
        ("HEADING", "The Proposal"),
        ("PARAGRAPH", "A basement is proposed beneath the rear "),
    ]


def test_a_contents_list_run_into_one_paragraph_states_nothing():
    text = (
        "Contents\n"
        "1: Introduction 3 2: The Site 5 3: The Proposal 7 4: The Listed Building 5: The\n"
        "Conservation Area 6: Summary of Significance 7: Impact of the Proposal\n"
    )
    blocks = blocks_of(text)

    assert blocks[1].role == Role.LABEL
    assert not blocks[1].states_claims


def test_a_line_with_an_open_bracket_runs_on_even_in_a_form():
    form = (
        "Householder Application for Planning Permission for works or extension to a dwelling\n"
        "Publication of applications on planning authority websites\n"
        "Has the work already been started without consent?\n"
        "Yes\nNo\n"
        "Listed Building Grading\n"
        "What is the grading of the building (as stated in the list of Buildings of Special\n"
        "Architectural or Historic Interest)?\n"
        "Grade I\nGrade II*\nGrade II\n"
    )
    found = roles(blocks_of(form))

    assert ("QUESTION", "What is the grading of the building (as ") in found
    assert not any(text.startswith("Architectural") for _, text in found)


def test_running_headers_and_footers_are_dropped():
    pages = [
        f"14 Grove Lane - Heritage Statement\n{n}.1 The first paragraph of section {n}.\n"
        f"{n}.2 The second paragraph, which differs on page {n}.\n"
        f"Hollis Heritage Consultancy | HHC-2614 | Page {n} of 3"
        for n in (1, 2, 3)
    ]
    texts = [block.text for block in blocks_of(*pages)]

    assert len(texts) == 6
    assert not any("Hollis" in text or "Heritage Statement" in text for text in texts)


def test_wrapped_lines_join_and_table_rows_stay_apart():
    width = "x" * 70
    text = (
        f"The site lies within the Camberwell Grove Conservation Area, designated in 1970 {width}\n"
        "and extended in 1983.\n"
        "Planning designations\n"
        "Conservation area Sunray Estate\n"
        "Listed building No\n"
    )
    found = roles(blocks_of(text))

    assert found[0] == ("PARAGRAPH", "The site lies within the Camberwell Grov")
    assert "Conservation area Sunray Estate" in [text for _, text in found]
    assert "Listed building No" in [text for _, text in found]


def test_a_web_address_longer_than_the_column_does_not_hide_the_wrapping():
    lines = [
        "More at https://www.example-council.gov.uk/planning/guidance/design/shopfronts-signs-and-"
        "advertisements-supplementary-guidance-2021",
        "The applicant proposes a replacement shopfront with a recessed entrance and new",
        "signage above the fascia, in materials that match the adjoining units along the",
        "parade, with lettering of the same height as that of the neighbouring Cafe Royal",
        "Bakery, whose sign was approved in 2019.",
    ]
    assert all(len(line) <= 80 for line in lines[1:]) and len(lines[0]) > 80

    found = roles(blocks_of("\n".join(lines)))

    assert found == [
        ("PARAGRAPH", "More at https://www.example-council.gov."),
        ("PARAGRAPH", "The applicant proposes a replacement sho"),
    ]


def test_quoted_law_and_policy_are_quotations_until_the_closing_quote():
    text = (
        "3.4 Paragraph 213 continues:\n"
        '"Any harm to, or loss of, the significance of a designated heritage asset should require\n'
        "clear and convincing justification. Substantial harm to, or loss of:\n"
        "a) grade II listed buildings, or grade II registered parks or gardens, should be\n"
        "exceptional;\n"
        'b) assets of the highest significance ... should be wholly exceptional."\n'
        "3.5 The house is not listed.\n"
    )
    found = roles(blocks_of(text))

    assert [role for role, _ in found] == [
        "PARAGRAPH",
        "QUOTATION",
        "QUOTATION",
        "QUOTATION",
        "PARAGRAPH",
    ]


def test_a_forms_title_is_found_below_a_councils_stamp():
    form = (
        "Planning Portal Reference: PP-14022391\n"
        "Application for Listed Building Consent for alteration, extension or demolition of a "
        "listed building.\n"
        "Publication of applications on planning authority websites.\n"
        "Has the work already been started without consent?\nYes\nNo\n"
        "Does the proposal include the partial or total demolition of a listed building?\n"
        "Yes\nNo\n"
    )
    blocks = blocks_of(form)

    assert [block.role for block in blocks[:2]] == [Role.LABEL, Role.TITLE]


def test_a_method_statement_describes_the_works_not_an_assessments_method():
    assert section_of("3. Methodology") == Section.METHODOLOGY
    assert section_of("Assessment approach and criteria") == Section.METHODOLOGY
    assert section_of("Demolition Method Statement") != Section.METHODOLOGY
    assert section_of("Methodologies of Works - Station Road") != Section.METHODOLOGY
