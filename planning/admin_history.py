"""History screens in the admin, scoped like the records they tell of (planning.access)."""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from planning.access import rows_visible_to_user


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """A record's history list and its past versions, for those who may see the record.

    simple-history's own views trust the id in the address: for a record missing from the
    admin's queryset they read it from the historical table instead, and a past version's
    form saves on POST. Here:

    - the history of a record that exists but is not in get_queryset() is "not found", as
      its change page is; a deleted record's history shows only rows in history_scope();
    - the rows listed are those of history_scope(), so a person the platform moved from one
      council to another shows each council only the rows from their time there;
    - past versions are for reading: a POST is refused, whatever the settings say.
    """

    council_field = "council"

    def history_scope(self, request, rows: QuerySet) -> QuerySet:
        """The historical rows the person may see, as get_queryset() is for live ones."""
        return rows_visible_to_user(rows, request.user, self.council_field)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        rows = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return self.history_scope(request, rows)

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_hidden_record(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk = self._refuse_hidden_record(request, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        rows = self.history_scope(request, history.filter(**{self.model._meta.pk.attname: pk}))
        try:
            found = rows.filter(history_id=version_id).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _refuse_hidden_record(self, request, object_id: str) -> Any:
        """The record's key; Http404 when the record exists but is not the person's."""
        pk = unquote(object_id)
        try:
            exists = self.model._default_manager.filter(pk=pk).exists()
            hidden = exists and not self.get_queryset(request).filter(pk=pk).exists()
        except (ValueError, ValidationError):
            raise Http404 from None
        if hidden:
            raise Http404
        return pk
