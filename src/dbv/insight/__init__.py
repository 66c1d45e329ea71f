"""Cross-council insight: what a council's diagnostic may share (``insight-export.json``) and,
later, the pooled picture across councils (issue #8, in progress)."""
