"""Measure reading a scanned document: pages read side by side against one after another.

Makes an image-only PDF of --pages A4 pages (each a scanned letter of a dozen lines at 200
dpi, as a council's scanner sends them), then reads it with triage.text.extract_pages, first
with one OCR reader at a time (the way it was done before), then with --workers readers,
--repeat times each, alternating. Prints each timing, the medians, pages per second and the
ratio, and ends with a RESULT line. Nothing is written to the database.
"""

import io
import os
import platform
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw, ImageFont

from triage.text import OcrBudget, extract_pages

LINES = [
    "PLANNING STATEMENT",
    "Land to the rear of 14 Bellenden Road, London SE15",
    "Erection of a two storey rear extension and a roof",
    "extension with two dormer windows to the rear.",
    "The site lies within the Bellenden Road Conservation",
    "Area. The proposal has been designed to respect the",
    "character of the host building and the terrace.",
    "No trees would be affected by the works. The garden",
    "is laid to lawn with a small patio by the house.",
    "Materials would match those of the existing house.",
    "Page {page} of {pages}",
]


def scanned_letter(pages: int) -> bytes:
    font = ImageFont.load_default(size=44)
    images = []
    for page in range(1, pages + 1):
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for index, line in enumerate(LINES):
            draw.text((120, 150 + index * 80), line.format(page=page, pages=pages), font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return out.getvalue()


class Command(BaseCommand):
    help = "Time OCR of a scanned PDF with one reader and with several side by side."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=8)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, pages, workers, repeat, **options):
        if pages < 1 or workers < 1 or repeat < 1:
            raise CommandError("--pages, --workers and --repeat must be at least 1.")
        data = scanned_letter(pages)
        self.stdout.write(
            f"A scanned letter of {pages} A4 pages at 200 dpi ({len(data):,} bytes); "
            f"OCR at {settings.TRIAGE_OCR_DPI} dpi; {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
        )
        timings: dict[int, list[float]] = {1: [], workers: []}
        for attempt in range(repeat):
            for readers in timings:
                seconds, text = self._read(data, readers)
                if "Bellenden" not in text:
                    raise CommandError("OCR did not read the letter: is tesseract installed?")
                timings[readers].append(seconds)
                self.stdout.write(f"  round {attempt + 1}: {readers} reader(s) {seconds:.2f} s")
        one = statistics.median(timings[1])
        many = statistics.median(timings[workers])
        self.stdout.write(
            f"median: one reader {one:.2f} s ({pages / one:.2f} pages/s), "
            f"{workers} readers {many:.2f} s ({pages / many:.2f} pages/s)"
        )
        self.stdout.write(
            f"RESULT pages={pages} workers={workers} one_reader_s={one:.2f} "
            f"side_by_side_s={many:.2f} one_over_side_by_side={one / many:.2f}"
        )

    def _read(self, data: bytes, readers: int) -> tuple[float, str]:
        previous = settings.TRIAGE_OCR_WORKERS
        settings.TRIAGE_OCR_WORKERS = readers
        try:
            started = time.perf_counter()
            pages = extract_pages(data, filename="scan.pdf", budget=OcrBudget(seconds=3600))
            return time.perf_counter() - started, "\n".join(page.text for page in pages)
        finally:
            settings.TRIAGE_OCR_WORKERS = previous
