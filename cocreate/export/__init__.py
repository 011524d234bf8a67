"""Exports of a workshop's results for the steering group."""
