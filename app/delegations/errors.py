"""Registration errors, each with its HTTP status."""

from app.errors import Conflict, DomainError, InvalidInput


class RegistrationClosed(Conflict):
    pass


class QuotaExceeded(Conflict):
    pass


class AlreadyRegistered(Conflict):
    pass


class HeadOfDelegationTaken(Conflict):
    pass


class InvalidFields(InvalidInput):
    """Several inputs are wrong at once: a form shows each message next to its field."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.message, field=first.field, **first.params)
        self.errors = errors
