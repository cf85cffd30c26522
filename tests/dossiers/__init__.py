"""Tests of the dossiers feature (issue 18)."""
