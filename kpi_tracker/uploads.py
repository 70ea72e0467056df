"""Uploads capped while they arrive, before anything reaches a form or a view.

Django reads a multipart body as soon as anything asks for ``request.POST`` (the CSRF check does,
for every POST) and writes large files to a temporary file; ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does
not count file parts. This handler, first in ``FILE_UPLOAD_HANDLERS``, stops a file once the body
is larger than ``UPLOAD_MAX_BYTES`` and a little room for the form's other fields (by the declared
length, or by the bytes received): the rest is read and dropped, nothing is kept in memory or on
disk, and the request is marked so that the upload page says in Japanese that the file is too
large (``workbooks.limits.refused_upload_problem``).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from workbooks.limits import REFUSED_SIZE

FORM_ROOM = 1024 * 1024  # the other fields of an upload form and the multipart framing


def upload_limit() -> int:
    return settings.UPLOAD_MAX_BYTES + FORM_ROOM


class CappedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        self.declared = content_length or 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.declared > upload_limit():
            self._refuse(self.declared)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self._refuse(self.received)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, size: int) -> None:
        setattr(self.request, REFUSED_SIZE, size)
        raise StopUpload(connection_reset=False)  # the parser drops the rest of the body
