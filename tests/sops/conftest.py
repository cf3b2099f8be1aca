"""Procedures in each state, for the SOP tests."""

import pytest

from sops import services
from sops.models import SOP
from tests import factories


@pytest.fixture
def english(db):
    return factories.language()


@pytest.fixture
def make_sop(home_agency, editor, publisher, english):
    """``make_sop(visibility=..., publish=True)``: an SOP of the home agency, published 1.0 by default."""

    def make(
        reference="BIO-001", *, visibility=SOP.Visibility.NETWORK, publish=True, body=None, **extra
    ):
        draft = services.sop_create(
            agency=home_agency,
            reference=reference,
            title=extra.pop("title", "Handling a suspected biological substance"),
            body=body or "## Scope\n\nIsolate the parcel. Call the duty officer.\n",
            language=english,
            by=editor,
            visibility=visibility,
            **extra,
        )
        if publish:
            return services.version_publish(version=draft, by=publisher)
        return draft

    return make
