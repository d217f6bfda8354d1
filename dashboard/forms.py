"""The pages' forms. Each says what is wrong in the words of the GOV.UK error message
pattern and keeps what the officer typed; the services they feed check the rules again."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from planning.models import DecisionLevel, DecisionOutcome, User
from triage.models import ReviewDecision
from triage.reviews import OFFICER_FINDING_CODES
from triage.vocabulary import CONSULTEE, CONSULTEE_UNCHECKED

CONSULTEE_CODES = (CONSULTEE, CONSULTEE_UNCHECKED)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class DateInput(forms.MultiWidget):
    """GOV.UK's date input: day, month and year as three boxes of digits."""

    template_name = "govuk/widgets/date.html"

    def __init__(self):
        attrs = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        super().__init__(
            [
                forms.TextInput(attrs=attrs | {"class": attrs["class"] + " govuk-input--width-2"}),
                forms.TextInput(attrs=attrs | {"class": attrs["class"] + " govuk-input--width-2"}),
                forms.TextInput(attrs=attrs | {"class": attrs["class"] + " govuk-input--width-4"}),
            ]
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date from three boxes, with the messages GOV.UK's pattern prescribes."""

    widget = DateInput

    def __init__(self, *, name: str, **kwargs):
        self.name = name
        parts = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(parts, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {name}"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            word for word, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise forms.ValidationError(f"The {self.name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(
                f"The {self.name} must be a real date, with a 4-digit year, like 27 3 2026"
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"The {self.name} must be a real date") from None


class RevisionForm(forms.Form):
    """Every form that changes an application carries the revision it was drawn from."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ValidDateForm(RevisionForm):
    valid_date = DateField(name="valid date", label="Valid from")


class ExtensionForm(RevisionForm):
    extension_of_time_until = DateField(name="agreed date", label="Agreed determination date")
    performance_agreement = forms.BooleanField(
        required=False, label="This date was set by a planning performance agreement"
    )


class DecisionForm(RevisionForm):
    outcome = forms.ChoiceField(
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Select whether the application is granted or refused"},
    )
    decision_date = DateField(name="decision date", label="Date of the decision notice")
    level = forms.ChoiceField(
        choices=DecisionLevel.choices,
        widget=forms.RadioSelect,
        label="Decided by",
        error_messages={"required": "Select who made the decision"},
    )


class AssignForm(RevisionForm):
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody (unassigned)",
        label="Case officer",
        error_messages={"invalid_choice": "Select an officer from the list"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (ReviewDecision.ACCEPTED, "Accept"),
            (ReviewDecision.REJECTED, "Reject"),
            (ReviewDecision.AMENDED, "Amend"),
        ],
        widget=forms.RadioSelect,
        label="Your review",
        error_messages={"required": "Select accept, reject or amend"},
    )
    amended_value = forms.CharField(
        required=False, max_length=64, label="Corrected value", strip=True
    )
    reason = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )
    # The latest review the officer saw: empty when they saw none.
    expected_review = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConsulteeReviewForm(ReviewForm):
    """A consultee triage suggests: confirm it (send the proposal to them) or dismiss it with a
    reason. The same review as any finding's (accepted / rejected)."""

    decision = forms.ChoiceField(
        choices=[
            (ReviewDecision.ACCEPTED, "Confirm: send the proposal to them"),
            (ReviewDecision.REJECTED, "Dismiss: do not consult them"),
        ],
        widget=forms.RadioSelect,
        label="Consult them?",
        error_messages={"required": "Select confirm or dismiss"},
    )


def review_form_for(finding_code: str) -> type[ReviewForm]:
    return ConsulteeReviewForm if finding_code in CONSULTEE_CODES else ReviewForm


class OfficerFindingForm(forms.Form):
    code = forms.ChoiceField(
        choices=[("", "Choose a kind"), *OFFICER_FINDING_CODES.items()],
        label="Kind of finding",
        error_messages={"required": "Select what kind of finding this is"},
    )
    title = forms.CharField(
        max_length=300,
        label="What you found",
        error_messages={"required": "Enter what you found"},
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Evidence",
        help_text="Where this comes from, so another officer can check it: a layer, a "
        "document and page, a site visit.",
        error_messages={"required": "Enter the evidence for this finding"},
    )
