"""Printable pages as PDF files (WeasyPrint), shared by the features that offer a PDF download."""

from __future__ import annotations


def html_to_pdf(html: str, base_url: str) -> bytes | None:
    """A standalone HTML page as a PDF, or None when WeasyPrint cannot run on this server."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: WeasyPrint installed but its system libraries missing
        return None
    return HTML(string=html, base_url=base_url).write_pdf()
