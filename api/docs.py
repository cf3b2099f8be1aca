"""The API's docs page: Swagger UI served from static/vendor (no CDN), reading /api/schema/."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def docs(request):
    return render(request, "api/docs.html")
