"""Cohort data (a codebook and one table per unit of analysis) and descriptive statistics."""
