"""A worker's temporary files (tesseract's page images) live in a folder of its own, and a
reader killed mid-page leaves nothing behind for long: the process that replaces it deletes
the folders of processes that ended (triage.scratch)."""

import io
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from celery import current_app
from PIL import Image, ImageDraw, ImageFont

from tests.triage.factories import DocumentFactory
from tests.worker import Worker, wait_for
from triage import scratch


def ended_process_id() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_only_the_folders_of_ended_processes_are_deleted(tmp_path):
    ended = tmp_path / str(ended_process_id())
    (ended / "tess_abc_input.PNG").parent.mkdir()
    (ended / "tess_abc_input.PNG").write_bytes(b"a page left behind")
    running = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / str(running.pid)).mkdir()
        (tmp_path / "not-a-process").mkdir()

        removed = scratch.remove_left_behind(tmp_path)
    finally:
        running.kill()
        running.wait()

    assert removed == [ended.name]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [str(running.pid), "not-a-process"]
    )


def test_a_process_works_in_its_own_emptied_folder(tmp_path, settings):
    settings.TRIAGE_SCRATCH_DIR = str(tmp_path / "scratch")
    own = tmp_path / "scratch" / str(os.getpid())
    own.mkdir(parents=True)
    (own / "from-an-earlier-process-with-this-id").write_bytes(b"x")
    before = tempfile.tempdir
    try:
        assert scratch.use_own_scratch_folder() == own
        assert list(own.iterdir()) == []
        with tempfile.NamedTemporaryFile(prefix="tess_") as page:
            assert Path(page.name).parent == own
    finally:
        tempfile.tempdir = before


def scanned_pages(count: int) -> bytes:
    pages = []
    font = ImageFont.load_default(size=40)
    for number in range(count):
        page = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(page)
        for line in range(25):
            draw.text((100, 120 + line * 85), f"Page {number} line {line} of a scan", font=font)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=200.0, save_all=True, append_images=pages[1:])
    return out.getvalue()


def freeze_while_reading(worker: Worker, folder: Path, timeout: float) -> None:
    """Stop the worker (SIGSTOP) at a moment tesseract has a page's files in its folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(folder.glob("tess_*")):
            os.killpg(worker.process.pid, signal.SIGSTOP)
            if any(folder.glob("tess_*")):
                return
            os.killpg(worker.process.pid, signal.SIGCONT)  # between two pages: go on
        time.sleep(0.05)
    pytest.fail("tesseract never wrote a page to read")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_reader_killed_mid_page_leaves_nothing_once_it_is_replaced(queue, tmp_path):
    root = tmp_path / "scratch"
    document = DocumentFactory(content=scanned_pages(6), original_filename="scan.pdf")
    env = {"TRIAGE_SCRATCH_DIR": str(root), "TRIAGE_OCR_WORKERS": 1}
    doomed = Worker(queue, **env).start()
    try:
        wait_for(lambda: len(list(root.glob("*"))) == 1, 90, "the worker did not start")
        (folder,) = root.iterdir()
        current_app.tasks["triage.tasks.read_document"].apply_async((document.pk,), queue=queue)
        freeze_while_reading(doomed, folder, 120)
    finally:
        doomed.kill()
    assert any(folder.glob("tess_*"))  # what the killed reader left

    replacement = Worker(queue, **env).start()
    try:
        wait_for(lambda: not folder.exists(), 90, "the left-behind files were not deleted")
        assert [path.name for path in root.iterdir()] == [str(replacement.process.pid)]
    finally:
        replacement.kill()
