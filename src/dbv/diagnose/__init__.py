"""``dbv diagnose`` and ``dbv demo``: the whole diagnostic on a council's data return and/or the
public data, as one pack (report.html, report.xlsx, report.pdf, run.json)."""
