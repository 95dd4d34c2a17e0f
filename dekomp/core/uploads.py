"""Check uploaded files by their content (magic bytes), size and name before anything is stored."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = FileKind((".pdf",), "application/pdf", "PDF")
PNG = FileKind((".png",), "image/png", "PNG")
JPEG = FileKind((".jpg", ".jpeg"), "image/jpeg", "JPEG")
DOCX = FileKind((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
XLSX = FileKind((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
PPTX = FileKind((".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint")
ODT = FileKind((".odt",), "application/vnd.oasis.opendocument.text", "OpenDocument")
ALLOWED = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT)


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def safe_filename(name: str) -> str:
    """A file name without folders, control characters or odd symbols; Norwegian letters are kept."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w.\- ()æøåÆØÅ]", "_", name).strip(" .")
    name = re.sub(r"_+", "_", name)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem[:120] or "vedlegg"
    return f"{stem}.{extension.lower()}" if extension else stem


def _zip_members(head: bytes, upload: UploadedFile) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return set()
    finally:
        upload.seek(0)


def detect_kind(upload: UploadedFile) -> FileKind | None:
    """What the file really is, judged from its first bytes (and, for office files, its zip contents)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        members = _zip_members(head, upload)
        if "[Content_Types].xml" in members:
            if any(m.startswith("word/") for m in members):
                return DOCX
            if any(m.startswith("xl/") for m in members):
                return XLSX
            if any(m.startswith("ppt/") for m in members):
                return PPTX
        if "mimetype" in members and "content.xml" in members:
            return ODT
    return None


def check_upload(upload: UploadedFile, *, max_bytes: int = MAX_UPLOAD_BYTES, allowed=ALLOWED) -> CheckedUpload:
    """Refuse a file that is too big, empty, of a kind we do not take, or whose content is not what its name says."""
    name = safe_filename(upload.name or "")
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("Filen «%(name)s» er tom.") % {"name": name}, code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("Filen «%(name)s» er %(size)s. Største tillatte størrelse er %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_big",
        )
    extension = "." + name.rpartition(".")[2].lower() if "." in name else ""
    claimed = next((kind for kind in allowed if extension in kind.extensions), None)
    if claimed is None:
        raise ValidationError(
            _(
                "Filtypen «%(extension)s» tas ikke imot. "
                "Bruk PDF, Word, Excel, PowerPoint, OpenDocument, PNG eller JPEG."
            )
            % {"extension": extension or name},
            code="type",
        )
    actual = detect_kind(upload)
    if actual != claimed:
        raise ValidationError(
            _("Filen «%(name)s» er ikke en ekte %(kind)s-fil: innholdet stemmer ikke med filnavnet.")
            % {"name": name, "kind": claimed.label},
            code="content_mismatch",
        )
    return CheckedUpload(name=name, content_type=actual.content_type, size=upload.size)
