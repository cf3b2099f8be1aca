"""Static files with hashed, compressed names in every mode, ``DEBUG=1`` included.

Django hashes names only when ``DEBUG`` is off; this storage hashes them whenever
``collectstatic`` has written a manifest (``make run`` does), so WhiteNoise serves every
asset compressed and, under its hashed name, cached for a year. Before any
``collectstatic`` (a bare checkout) names stay plain and WhiteNoise finds the files
where they lie, as Django's own storage would.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if not self.hashed_files:  # no manifest yet: nothing hashed to point to
            return StaticFilesStorage.url(self, name)
        return super().url(name, force=True)
