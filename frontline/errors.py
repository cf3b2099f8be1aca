"""Errors that services raise and views turn into a clear message."""


class ActionRefused(Exception):
    """An action that may not happen now (illegal transition, stale data, bad input).

    The message is shown to the user as it is, so write it for them.
    """

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ActionRefused):
    """The acting user lacks the role this action needs."""

    status_code = 403


class Conflict(ActionRefused):
    """The thing is not in a state that allows this now (in review, already exists, ...)."""

    status_code = 409


class StaleEdit(Conflict):
    """Someone else changed the thing first; the caller's data is stale (the API's 412)."""


def required_text(value: str | None, message: str) -> str:
    """``value`` stripped, or ``ActionRefused(message)`` when it is empty (a reason, a summary)."""
    value = (value or "").strip()
    if not value:
        raise ActionRefused(message)
    return value
