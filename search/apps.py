from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_save

        from events.registry import register
        from network.models import Agency, Country, Language, Topic
        from search import registry
        from search.engine.reader import release_reader
        from search.handlers import reindex

        # Each app's search_documents.py declares its document types and their events.
        registry.discover()
        for kind in registry.event_kinds():
            register(kind, reindex)
        # Facet labels are cached per process (search/display.py): a change in this
        # process shows at once, in others within display.LABELS_TTL.
        for model in (Agency, Country, Language, Topic):
            post_save.connect(_labels_changed, sender=model, dispatch_uid=f"labels-{model}")
            post_delete.connect(_labels_changed, sender=model, dispatch_uid=f"labels-d-{model}")
        # A request's thread hands its open, filled search reader to the next request.
        request_finished.connect(release_reader, dispatch_uid="search-release-reader")


def _labels_changed(**kwargs) -> None:
    from search import display

    display.clear_labels()
