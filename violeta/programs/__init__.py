"""Programs and trainings: the institute's collective work (issue 17).

Organisations (companies, schools, associations, government offices), trainings of the institute's programs
(Transversalidad, IMM en tu empresa, the internal protocol, campaigns, the staff's own training) with their
sessions, attendees and attendance. Managed by program staff: the trainer role, coordinators and the director.
"""
