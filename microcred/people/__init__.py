"""People management for organization, issuer and recognizer admins: search people, roles, coaches, cohorts, deactivation."""
