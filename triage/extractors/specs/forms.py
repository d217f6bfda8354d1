"""Facts read from an application form's title and fields, which state them directly."""

from triage.extractors.specs.reading import Candidate, Reading, Spec


def read_title(spec: Spec, reading: Reading) -> list[Candidate]:
    """A form's title names the consent types the applicant chose: "... and listed building
    consent for alteration, extension or demolition of a listed building"."""
    if spec.title_claim is None:
        return []
    pattern, value = spec.title_claim
    match = pattern.search(reading.plain)
    if not match:
        return []
    requires = spec.options.get("title_requires")
    if requires is not None and not requires.search(reading.facts.description):
        return []
    return [reading.candidate(spec.code, value, match.start(), match.end(), _rank=1)]


def read_form_field(spec: Spec, reading: Reading) -> list[Candidate]:
    """A form field whose value is the fact: "Total net gain or loss of residential units" 5;
    a spec whose value the field's presence states (the protecting order's number: present)
    names it in its options as `field_value`."""
    if spec.form_field is None:
        return []
    match = spec.form_field.search(reading.sentence.text)
    if not match:
        return []
    value = spec.options.get("field_value") or match.group(1)
    if value.lstrip("-").isdigit():
        if int(value) < 0:
            return []
        value = int(value)
    return [reading.candidate(spec.code, value, *match.span(), _rank=3)]
