"""microcred: one platform for educator micro-credentials, portable and verifiable."""
