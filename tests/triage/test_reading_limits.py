"""Where a document's text is not a good reading of its pages, triage says so and quotes an
example, rather than guessing (triage.reading_limits)."""

from triage.extractors.base import DocumentInput
from triage.quotes import quote_on_page
from triage.reading_limits import FLATTENED_TABLE, LOST_TICK_BOXES, OCR, limit_findings
from triage.text import PageText
from triage.vocabulary import READING_LIMITED, Strength

FORM = (
    "Application for Householder Planning Permission\n"
    "Publication of applications on planning authority websites\n"
    "Is the site within a conservation area?\nYes\nNo\n"
    "Are there any protected trees on the site?\nYes\nNo\n"
    "Description of Proposed Works\n"
    "Erection of a single storey rear extension.\n"
)


def test_a_form_whose_ticks_were_lost_says_how_many_answers_could_not_be_read():
    document = DocumentInput("7", "application-form.pdf", [PageText(1, FORM)])

    [finding] = limit_findings(document)

    assert (finding.code, finding.value) == (READING_LIMITED, LOST_TICK_BOXES)
    assert finding.strength == Strength.CHECK
    assert "2 of the form's questions" in finding.title
    assert finding.evidence.quote == "Is the site within a conservation area?"
    assert quote_on_page(finding.evidence.quote, FORM)
    assert "none was guessed" in finding.detail


def test_pages_read_by_ocr_are_named():
    pages = [
        PageText(1, "Design statement\nThe proposal is a rear extension."),
        PageText(2, "Site plan scale 1:500\nNorth", ocr=True),
        PageText(3, "Elevations\nFront", ocr=True),
        PageText(5, "Sections", ocr=True),
    ]
    document = DocumentInput("8", "plans.pdf", pages)

    [finding] = limit_findings(document)

    assert finding.value == OCR
    assert finding.title == "plans.pdf: pages 2-3 and 5 read from images by OCR"
    assert (finding.evidence.page, finding.evidence.quote) == (2, "Site plan scale 1:500")


def test_a_designations_table_run_into_one_line_is_named():
    page = (
        "Summary\n\n"
        "Our Ref. ABC12 Project Type Street cabinet Conservation Area Elm Road Statutory Listed "
        "Buildings in None vicinity\n\n"
        "The cabinet replaces two kiosks.\n"
    )
    document = DocumentInput("10", "statement.md", [PageText(1, page)])

    [finding] = limit_findings(document)

    assert finding.value == FLATTENED_TABLE
    assert "Conservation Area Elm Road" in finding.evidence.quote
    assert quote_on_page(finding.evidence.quote, page)


def test_a_statement_read_from_its_own_text_has_no_limits():
    document = DocumentInput("9", "statement.md", [PageText(1, "The proposal is a porch.")])
    assert limit_findings(document) == []
