"""Printable pages as PDF downloads (WeasyPrint), shared by the features that offer one."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, render_template, request


def html_to_pdf(html: str, base_url: str) -> bytes | None:
    """A standalone HTML page as a PDF, or None when WeasyPrint cannot run on this server."""
    # Imported on first use: WeasyPrint loads Pango and its fonts (about half a second), which most
    # processes never need, and a server without its system libraries still serves everything else.
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: WeasyPrint installed but its system libraries missing
        return None
    return HTML(string=html, base_url=base_url).write_pdf()


def stylesheet(name: str) -> str:
    """A stylesheet of static/css, to write into a page that becomes a PDF (WeasyPrint fetches nothing)."""
    return (Path(current_app.static_folder) / "css" / name).read_text(encoding="utf-8")


def pdf_download(template: str, filename: str, **context) -> Response | None:
    """A template rendered as a PDF attachment; None when PDF cannot be made here (the caller falls back)."""
    body = html_to_pdf(render_template(template, **context), request.url_root)
    if body is None:
        return None
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
