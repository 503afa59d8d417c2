"""Private files out of the portal: one response for every download view, after its permission check.

Behind nginx (``PRIVATE_MEDIA_ACCEL``) the view answers with ``X-Accel-Redirect`` to an internal location and
nginx sends the bytes, so that gunicorn workers are not tied up streaming dossiers: files of the file-system
storage by their name under ``PRIVATE_MEDIA_ACCEL_PREFIX``, objects of the S3 storage by a signed URL valid for a
minute under ``PRIVATE_S3_ACCEL_PREFIX`` (nginx proxies it to the object storage; the bucket stays private).
Without nginx (``make run``, tests) the view streams the file itself.
"""

import mimetypes
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def _is_s3(storage) -> bool:
    return storage.__class__.__module__.startswith("storages.backends.s3")  # __class__: through the lazy default


def private_file_response(file, *, filename: str, content_type: str | None = None,
                          as_attachment: bool = True) -> HttpResponse:
    """The response that delivers ``file`` (a FieldFile) named ``filename``; call it only once permitted."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    disposition = content_disposition_header(as_attachment, filename)
    storage = file.storage
    if not settings.PRIVATE_MEDIA_ACCEL:
        return FileResponse(file.open("rb"), as_attachment=as_attachment, filename=filename,
                            content_type=content_type)
    if _is_s3(storage):
        signed = urlsplit(storage.url(file.name, parameters={
            "ResponseContentDisposition": disposition, "ResponseContentType": content_type}, expire=60))
        target = settings.PRIVATE_S3_ACCEL_PREFIX.rstrip("/") + signed.path + "?" + signed.query
    elif isinstance(storage, FileSystemStorage):
        target = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(file.name)
    else:
        return FileResponse(file.open("rb"), as_attachment=as_attachment, filename=filename,
                            content_type=content_type)
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = target
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response
