"""The outbox: events written with the change that caused them, dispatched after commit."""
