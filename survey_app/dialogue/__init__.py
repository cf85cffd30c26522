"""Dialogue conferences (hội nghị đối thoại): plan, log comments live, follow up their answers, publish.

Rules, lowest first: workdays (the working-day calendar), vocabulary (what a deployment configures:
categories, answer templates, holidays, answer days), errors (DialogueError), scope (who sees what),
deadlines (due dates, the forwarding limit, overdue), comments (the comments' status machine),
conferences (plan and steps). Around them: documents (minutes, conclusion notice), demo, cli, the pages
(views/) and the JSON API (api/). Figures: survey_app.analytics.dialogue_queries.
"""
