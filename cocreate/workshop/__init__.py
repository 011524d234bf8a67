"""The workshop domain: join, tables and roles, rounds and seating, notes, shortlist."""
