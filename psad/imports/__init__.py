"""Importing lists of jeunes repérés: one path, one module or package per step.

    reader/      1. read: a file (xlsx, xls, ods, csv) → the rows of one sheet
    profiles     2. map: known layouts (``imports/profiles/*.toml``) → which column is which field
    checking/    3. check: each row → a youth's values with errors and warnings; duplicates merged
    matching     4. match: each checked row → the youth already known, if any
    writing/     5. write: bulk statements, chunk by chunk

``services.apply_import`` applies an analysis in one transaction (matching and writing each
chunk as soon as it is checked) and never commits; ``pipeline`` is the sequence the command
line, the web job and the drop folder share, and ends the import's transaction.
"""
