"""Uploads capped while they arrive, before anything reaches a form or a view.

Django reads a multipart body as soon as anything asks for ``request.POST`` (the CSRF check does,
for every POST) and writes large files to a temporary file; ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does
not count file parts. This handler refuses a body larger than ``UPLOAD_MAX_BYTES`` and a little
room for the form's other fields: by the declared length at once, and by the bytes received for
a body that declares none. The refusal is a 400 (``RequestDataTooBig``).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

FORM_ROOM = 1024 * 1024  # the other fields of an upload form and the multipart framing


def upload_limit() -> int:
    return settings.UPLOAD_MAX_BYTES + FORM_ROOM


class CappedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: passes every chunk on, and stops a body over the cap."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > upload_limit():
            raise RequestDataTooBig("Upload larger than UPLOAD_MAX_BYTES.")
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > upload_limit():
            raise RequestDataTooBig("Upload larger than UPLOAD_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size):
        return None
