"""Rendering results for people: terminal text now; HTML, Markdown and plots as they land."""
