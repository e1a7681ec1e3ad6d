"""Plain values of the domain, with no Flask and no database: money, periods, sizes, credit codes, days, refusals."""
