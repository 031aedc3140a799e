class SsoError(Exception):
    """A sign-in that cannot go on; its message is meant for the person signing in. ``reason`` (when set) is audited
    as a refused sign-in."""

    def __init__(self, message: str, *, reason: str = "", data: dict | None = None):
        super().__init__(message)
        self.reason, self.data = reason, data or {}
