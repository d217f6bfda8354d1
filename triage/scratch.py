"""Each worker process's temporary files in a folder of its own that the service cleans.

Tesseract reads each page from a temporary image and writes its text to a temporary file
(pytesseract puts both in Python's temporary folder). A reader killed mid-page (a time limit,
the out-of-memory killer, a host shutting down) leaves them behind, page-sized images that
nothing would ever delete. So every worker process works in
`TRIAGE_SCRATCH_DIR/<its process id>/`, and a process starting there deletes the folders of
processes that are no longer running: a worker's replacement cleans up after it.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def remove_left_behind(root: Path) -> list[str]:
    """Delete the folders under `root` of processes no longer running; their names."""
    removed = []
    for folder in root.iterdir() if root.is_dir() else ():
        ended = folder.name.isdigit() and not _running(int(folder.name))
        if ended and int(folder.name) != os.getpid():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def use_own_scratch_folder() -> Path:
    """Make this process's temporary files go to a folder of its own (emptied first: one left
    by an earlier process with the same id), after deleting those of ended processes."""
    root = Path(settings.TRIAGE_SCRATCH_DIR)
    root.mkdir(parents=True, exist_ok=True)
    removed = remove_left_behind(root)
    if removed:
        logger.info("removed the temporary files of %d ended worker processes", len(removed))
    own = root / str(os.getpid())
    shutil.rmtree(own, ignore_errors=True)
    own.mkdir(mode=0o700)
    tempfile.tempdir = str(own)
    return own
