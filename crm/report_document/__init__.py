"""月报/季报: the period's report as a Word document, from the same figures as the dashboard."""
