from io import StringIO

from django.core.management import call_command


def output_of(command: str, *args) -> str:
    """What a management command wrote."""
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()
