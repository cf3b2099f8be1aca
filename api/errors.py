"""One error body for every 4xx the API answers:

``{"error": {"status": 412, "message": "...", "fields": {"title": ["..."]}}}``

Services' refusals (``frontline.errors``) keep their message and map to 400, 403 and 409.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from frontline.errors import ActionRefused


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The resource changed since you read it.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy("Send If-Match with the ETag you read.")
    default_code = "precondition_required"


def error_body(status_code: int, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "message": str(message), "fields": fields or {}}}


def _flatten(detail) -> object:
    """DRF's ErrorDetail trees to plain strings and lists."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = _flatten(exc.detail)
    if isinstance(detail, dict):
        general = detail.pop("non_field_errors", None)
        message = general[0] if general else _("Some fields are not valid.")
        if len(detail) == 1 and not general:
            name, problems = next(iter(detail.items()))
            first = problems[0] if isinstance(problems, list) and problems else problems
            message = f"{name}: {first}" if isinstance(first, str) else message
        return error_body(400, message, detail)
    if isinstance(detail, list):
        return error_body(400, detail[0] if detail else _("The request is not valid."))
    return error_body(400, detail)


def exception_handler(exc, context):
    """DRF's handler, then reshape every error into the one body."""
    if isinstance(exc, ActionRefused):
        return Response(error_body(exc.status_code, exc.message), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or you may not see it."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        detail = getattr(exc, "detail", "")
        message = _flatten(detail)
        if isinstance(message, dict | list):
            message = _("The request is not valid.")
        response.data = error_body(response.status_code, message)
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any path under /api/ that names no endpoint, whatever the method.

    CSRF-exempt because it changes nothing: otherwise a POST with a bearer token would get
    Django's HTML "CSRF verification failed" page instead of this JSON body.
    """
    return JsonResponse(error_body(404, _("There is no such API endpoint.")), status=404)
