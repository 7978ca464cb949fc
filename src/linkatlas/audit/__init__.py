"""Audit of a link profile: spam signals with evidence, toxicity, disavow.

``audit.hostname`` scores a hostname from its own spelling and what the index knows about it.
"""
