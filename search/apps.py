from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from events.registry import register
        from search.handlers import HANDLERS

        for kind, handler in HANDLERS.items():
            register(kind, handler)
