"""Tenancy in the council API cannot be dropped by accident: every view narrows its council's
applications, and a view that replaced the method that limits them to the key's council is
refused when its class is made."""

import pytest

from planning.api.base import CouncilSystemView
from planning.models import PlanningApplication


def test_a_view_replacing_the_council_scope_is_refused_when_it_is_defined():
    with pytest.raises(TypeError, match="override scoped_queryset"):

        class EveryCouncilsApplications(CouncilSystemView):
            def get_queryset(self):
                return PlanningApplication.objects.all()


def test_a_view_narrowing_its_councils_applications_is_fine():
    class OnlyValid(CouncilSystemView):
        def scoped_queryset(self, applications):
            return applications.filter(status="valid")

    assert OnlyValid.get_queryset is CouncilSystemView.get_queryset
