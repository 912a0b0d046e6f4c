"""Who may see and do what: the one home of every access rule.

``viewer``: the acting user in their current PSAD, and what their role lets them do
(templates ask these capabilities, never a role's name). ``youth``: the one scoping
function that every query listing or opening youth goes through. The package sits above the
domains it reads, so that orientations and comités can widen who sees a youth here
(a hosting structure, a comité's members) without the domains below knowing of it.
"""
