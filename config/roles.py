"""The three roles are Django groups, created with their model permissions by the migration
questions/0002_roles; later apps grant their own models' permissions in their migrations."""

INTERVIEWER = "Interviewer"
HIRING_MANAGER = "Hiring manager"
QUESTION_CURATOR = "Question curator"
