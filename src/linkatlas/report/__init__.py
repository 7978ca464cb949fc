"""Rendering of rows and findings for people and spreadsheets (CSV, JSON, tables, reports).

``report.csvout`` is the one CSV writer every CSV output goes through (quoting, formula safety).
"""
