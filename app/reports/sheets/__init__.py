"""The quarterly workbook's sheets; importing this package registers every builder (see app/reports/workbook.py)."""

from app.reports.sheets import areas, classes, network, summary, units  # noqa: F401
