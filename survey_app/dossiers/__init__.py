"""Per-dossier evaluation of administrative procedures: import, scoring, timeliness, self-assessment."""
