"""What every page's header needs to know about the viewer."""

from django.utils.functional import SimpleLazyObject

from network.permissions import expert_of, is_vetted


def viewer(request):
    user = getattr(request, "user", None)
    return {
        "viewer_expert": SimpleLazyObject(lambda: expert_of(user)),
        "viewer_is_vetted": SimpleLazyObject(lambda: is_vetted(user)),
    }
