"""Rating, the subsidy split per line, statements for stored periods, period lifecycle, alerts."""
