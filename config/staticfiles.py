"""The static files storage of production: WhiteNoise's compressed manifest, which also
rewrites the paths of ES-module imports (static/js/live/) to the hashed file names, so that a
module and what it imports are cached, and replaced, together."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
