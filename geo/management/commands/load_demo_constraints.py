from django.core.management.base import BaseCommand

from geo.services import load_demo_layers


class Command(BaseCommand):
    help = "Load the Southwark and Trafford demo constraint layers (skips unchanged files)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        for summary in load_demo_layers(progress=not options["no_progress"]):
            self.stdout.write(str(summary))
