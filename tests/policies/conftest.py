import pytest

from planning.services import ensure_user

PASSWORD = "pw-123-abc-xyz"


@pytest.fixture
def southwark_admin(southwark):
    """Southwark's administrator, who edits Southwark's own lists in the admin."""
    return ensure_user("southwark-admin", council=southwark, role="admin", password=PASSWORD)
