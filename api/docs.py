"""The API's docs page: every endpoint of the served OpenAPI schema, rendered on the server.

It replaced Swagger UI, whose 1.9 MB of script and style made the page the heaviest of
the site and failed axe; the schema itself stays at /api/schema/ for tools and clients.
"""

from __future__ import annotations

from functools import lru_cache

from django.shortcuts import render
from django.views.decorators.http import require_GET

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return kind or schema.get("$ref", "").rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def api_reference() -> tuple[dict, list[tuple[str, list[dict]]]]:
    """The schema's info and its operations grouped by tag (built once per process: the
    schema only changes with the code)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    groups: dict[str, list[dict]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            description = (op.get("description") or "").strip()
            groups.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or description.split("\n")[0],
                    "description": description,
                    "token": {} not in (op.get("security") or [{}]),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": (p.get("description") or "").split("\n")[0],
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": sorted(op.get("requestBody", {}).get("content", {})),
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return schema.get("info", {}), sorted(groups.items())


@require_GET
def docs(request):
    info, groups = api_reference()
    return render(request, "api/docs.html", {"info": info, "groups": groups})
