"""Reports for the street office: the consensus report (社区议事协商结果报告) as HTML and PDF."""

from workshop.reports.render import report_html, report_pdf

__all__ = ["report_html", "report_pdf"]
