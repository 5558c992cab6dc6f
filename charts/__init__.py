"""Plotly figure builders shared by the pages and the PDF pack. No Dash, no database."""
