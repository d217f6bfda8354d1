"""Static files as production serves them: hashed names (cached for a year) and compressed
copies, by WhiteNoise after `collectstatic`."""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, tolerant of a stylesheet that names a file no package ships.

    The MoJ frontend's stylesheet refers to `moj/assets/images/govuk-crest.svg` (for a GOV.UK
    header we do not use), which its package lacks; the strict default made `collectstatic`
    fail outright. Such a reference is left as written, with a warning, instead.
    """

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None:
                raise
            logger.warning("static file %s is referred to but does not exist", name)
            return name
