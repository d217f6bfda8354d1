"""A document reads the same whichever way its lines were broken. A PDF's text layer breaks
every line where the page did, inside names and sentences, and often leaves no blank line
between paragraphs; a council's export may give a paragraph on one line. The findings must not
depend on which."""

import textwrap
from dataclasses import replace

import pytest

from tests.triage.test_rules_engine import FACTS, extract

STATEMENT = [
    "PLANNING STATEMENT",
    "1. Introduction",
    "This statement supports an application for the erection of a two storey rear extension "
    "following the demolition of the existing single storey outbuilding at the house.",
    "In preparing the application regard has been had to the Planning (Listed Buildings and "
    "Conservation Areas) Act 1990 and to paragraph 206 of the National Planning Policy Framework.",
    "2. The Site",
    "The property is not a listed building and it does not lie within the Green Belt. The site "
    "is within the Sandbrook Village Conservation Area and the trees in the rear garden are "
    "protected by a Tree Preservation Order.",
    "3. The Proposal",
    "The extension provides a kitchen on the ground floor and one bedroom above. No basement is "
    "proposed and no trees will be felled or pruned.",
    "4. Policy",
    "The proposal accords with Core Strategy Policies L7 and R1 and with the guidance of the "
    "council's design guide.",
]

FORM = [
    "Householder Application for Planning Permission for works or extension to a dwelling and "
    "consent for demolition in a conservation area.",
    "Publication of applications on planning authority websites.",
    "Site Address Details",
    "Are there any trees or hedges on the land adjacent to the proposed development site that "
    "could influence the development or might be important as part of the local landscape "
    "character?",
    "Yes",
    "No",
    "Description of the proposal",
    "Erection of a single storey side extension and a replacement porch.",
    "Residential Units",
    "Total net gain or loss of residential units",
    "0",
    "Declaration",
    "I / We hereby apply for Householder planning & demolition in a conservation area as "
    "described in this form and the accompanying plans, drawings and additional information.",
]


def wrapped(paragraphs: list[str], width: int, blank_lines: bool) -> str:
    lines: list[str] = []
    for paragraph in paragraphs:
        if blank_lines and lines:
            lines.append("")
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


def as_exported(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


@pytest.mark.parametrize("width", [45, 60, 75, 92])
@pytest.mark.parametrize("blank_lines", [True, False], ids=["blank-lines", "no-blank-lines"])
def test_a_statement_reads_the_same_whatever_its_line_breaks(width, blank_lines):
    expected = extract(as_exported(STATEMENT))
    assert {
        ("proposal.demolition", "yes"),
        ("proposal.storeys", "2"),
        ("constraint.listed_building", "absent"),
        ("constraint.green_belt", "absent"),
        ("constraint.conservation_area", "present"),
        ("constraint.tree_preservation_order", "present"),
        ("proposal.basement", "no"),
        ("policy.nppf", "206"),
    } <= set(expected)
    # The Act's name says nothing about this site, however it is broken.
    assert ("constraint.listed_building", "present") not in expected

    assert set(extract(wrapped(STATEMENT, width, blank_lines))) == set(expected)


@pytest.mark.parametrize("width", [45, 60, 75, 92])
def test_a_forms_declaration_and_fields_read_the_same_whatever_its_line_breaks(width):
    facts = replace(
        FACTS,
        application_type="pp.full.householder",
        description="Demolition of the porch and erection of a single storey side extension.",
    )
    expected = extract("\n".join(FORM) + "\n", facts=facts)
    assert ("constraint.conservation_area", "present") in expected

    assert set(extract(wrapped(FORM, width, blank_lines=False), facts=facts)) == set(expected)


def test_a_word_hyphenated_across_a_line_break_is_read_whole():
    found = extract(
        "The proposal is a single-\nstorey rear extension with a flat roof and a lantern light."
    )
    assert ("proposal.storeys", "1") in found
