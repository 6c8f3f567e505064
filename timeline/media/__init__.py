"""Image and document files: what an upload really is, and what the public is sent.

The floor beneath the models: it knows bytes, pixels and storage names, and nothing of the
record. ``checks`` refuses files by their content (never their extension), ``images``
strips metadata and makes the renditions, ``names`` gives stored files content-hashed
names a CDN may cache for ever.
"""
