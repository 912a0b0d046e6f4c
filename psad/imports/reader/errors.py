"""The ``UnreadableFileError`` family, and the French messages that name the file.

Every file that cannot be read ends in one of these errors, whose message says what to do.
"""

from __future__ import annotations

from psad.errors import DomainError

WHAT_TO_CHOOSE = "choisissez un fichier .xlsx, .xls, .ods ou .csv"
RESAVE = "ouvrez-le dans votre tableur, enregistrez-le de nouveau au format .xlsx puis réessayez"


class UnreadableFileError(DomainError):
    """The uploaded file cannot be read as a list; nothing is stored."""


class NotASpreadsheetError(UnreadableFileError):
    """A PDF, an image, a Word document or anything else that is not a table."""

    @classmethod
    def for_file(cls, file_name: str, kind: str | None = None) -> NotASpreadsheetError:
        """``kind``: what the file is instead (« un document PDF »), when it is known."""
        what = f" (c'est {kind})" if kind else ""
        return cls(
            f"Le fichier « {file_name} » n'est pas un tableur lisible{what} : {WHAT_TO_CHOOSE}."
        )


class CorruptFileError(UnreadableFileError):
    """A spreadsheet that is damaged or was cut short (an interrupted download)."""

    @classmethod
    def for_file(cls, file_name: str) -> CorruptFileError:
        return cls(
            f"Le fichier « {file_name} » est endommagé ou incomplet (téléchargement "
            "interrompu ?) : téléchargez-le ou exportez-le de nouveau, vérifiez qu'il s'ouvre "
            "dans votre tableur, puis réessayez."
        )


class PasswordProtectedError(UnreadableFileError):
    """A workbook encrypted with a password."""

    @classmethod
    def for_file(cls, file_name: str) -> PasswordProtectedError:
        return cls(
            f"Le fichier « {file_name} » est protégé par un mot de passe : enregistrez-le sans "
            "mot de passe puis réessayez."
        )


class EmptyFileError(UnreadableFileError):
    """A file of zero bytes, or whose sheets hold no filled row."""

    @classmethod
    def for_file(cls, file_name: str) -> EmptyFileError:
        return cls(
            f"Le fichier « {file_name} » ne contient aucune ligne remplie : vérifiez que vous "
            "avez choisi le bon fichier."
        )


class FileTooLargeError(UnreadableFileError):
    """A file above the configured size limit."""


class ZipBombError(UnreadableFileError):
    """A compressed file that declares far more content than any real list."""


class TooManyRowsError(UnreadableFileError):
    """A sheet with more lines than the configured limit."""


class SheetTooLargeError(UnreadableFileError):
    """A sheet whose cells spread over a far larger grid than any real list."""


class TooManyColumnsError(UnreadableFileError):
    """A sheet with values in more columns than the configured limit."""


class CellTooLongError(UnreadableFileError):
    """A CSV cell longer than the csv module reads (often a quote left open)."""


class SheetNotFoundError(UnreadableFileError):
    """The sheet asked for by name is not in the workbook."""
