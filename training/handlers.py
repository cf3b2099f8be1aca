"""Outbox handlers of the training app: registered in ``TrainingConfig.ready``."""

from __future__ import annotations

from sops.models import SOPVersion
from training import services
from training.notices import training_notify


def on_training_event(event) -> None:
    training_notify(event=event)


def on_sop_published(event) -> None:
    """A revision is in force: close the change requests it addresses; flag stale training.

    A scheduled publication waits for ``sop.took_effect`` on its day.
    """
    if event.kind == "sop.published" and event.payload.get("scheduled"):
        return
    version = (
        SOPVersion.objects.select_related("sop").filter(pk=event.payload["version_id"]).first()
    )
    if version is None:
        return
    services.actions_close_for(version=version)
    if event.payload.get("change_kind") == SOPVersion.ChangeKind.MAJOR:
        services.training_flag_stale(version=version)
