"""Tests of the bargaining engine against the reference files in ../shared/data."""
