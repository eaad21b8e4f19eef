from django.middleware.gzip import GZipMiddleware


class PageCompressionMiddleware(GZipMiddleware):
    """GZip for pages and JSON, which shrink tenfold. CSV downloads stream as they are:
    compressing hundreds of thousands of rows costs more time than sending them saves, and
    WhiteNoise already serves static files compressed."""

    compressed_types = ("text/html", "application/json")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.compressed_types):
            return response
        # Only a compressed response needs `Vary: Accept-Encoding`: the plain one is right
        # for every client, so a cache that keeps it serves nobody anything wrong.
        if "gzip" not in request.headers.get("Accept-Encoding", ""):
            return response
        return super().process_response(request, response)
