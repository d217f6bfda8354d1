"""The verbs of the planning app. Views, commands and tasks call these."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from planning.models import Council, Role, User

# What each role may do through Django's permission system (the admin and the pages).
# Which council's records they may touch is decided separately, in planning.access.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [
        "planning.view_planningapplication",
        "planning.change_planningapplication",
        "planning.view_document",
        "planning.add_document",
    ],
    Role.MANAGER: ["planning.view_planningapplication", "planning.view_document"],
    Role.ADMIN: [
        "planning.view_planningapplication",
        "planning.change_planningapplication",
        "planning.view_document",
        "planning.view_user",
        "planning.add_user",
        "planning.change_user",
    ],
}


def ensure_role_groups() -> dict[str, Group]:
    """One Django group per role, holding exactly that role's permissions."""
    groups = {}
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        groups[role] = group
    return groups


@transaction.atomic
def ensure_council(code: str, name: str) -> Council:
    council, created = Council.objects.get_or_create(code=code, defaults={"name": name})
    if not created and council.name != name:
        council.name = name
        council.save(update_fields=["name"])
    return council


def ensure_user(username: str, *, council: Council, role: str, password: str) -> User:
    """Create or reset a council user in the group of their role. Admins get the Django admin."""
    user, _ = User.objects.get_or_create(username=username, defaults={"council": council})
    user.council = council
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([ensure_role_groups()[role]])
    return user


def record_document_text(
    document, *, status: str, reason: str = "", page_count: int | None = None
) -> None:
    """Record how reading a document's text went (the text itself is kept by triage)."""
    document.text_status = status
    document.text_status_reason = reason[:500]
    document.page_count = page_count
    document.save(update_fields=["text_status", "text_status_reason", "page_count"])
