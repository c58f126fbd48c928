"""The quarterly workbook's sheets; importing this package registers every builder (see app/reports/workbook.py)."""

from app.reports.sheets import areas, classes, counts, network, plan, summary, units  # noqa: F401
