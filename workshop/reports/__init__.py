"""Reports for the street office: the consensus report (社区议事协商结果报告) as HTML,
PDF and DOCX, all from one document model (workshop.reports.model)."""

from workshop.reports.docx import report_docx
from workshop.reports.render import report_html, report_pdf

__all__ = ["report_docx", "report_html", "report_pdf"]
