"""The kiosk feature: citizens rate the service on a tablet at the one-stop shop.

One module per job: `devices` (registration, pairing, tokens), `validation` (each item of a batch on its
own, into `items`' Candidate or ItemResult), `ingest` (the batch flow), `group_commit` (concurrent
requests written in one transaction), `writing` (once per id, `flags`, follow-ups), `rollups` (kept in
step, rebuilt with drift), `review` (flags, live feed, follow-ups), `statements` (the hot path's SQL),
`levels` (the rating levels and reasons), `screen` (what the tablet shows); `api`, `views`, `cli` and
`demo` are the ways in.
"""
