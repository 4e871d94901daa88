"""Clinical data: the units catalogue, RECIST 1.1, and values derived from the case's data."""
