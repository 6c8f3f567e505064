"""Writing prepared files to the configured storage (the file system or S3)."""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage


def store(files: dict[str, bytes], storage: Storage) -> dict[str, str]:
    """Write ``files`` to ``storage``; the names it actually used, by the names asked for."""
    return {name: storage.save(name, ContentFile(content)) for name, content in files.items()}
