"""``?page=2&page_size=50``: at most 100 rows a page, and the schema says so.

DRF's paginator falls back to the default size for a ``page_size`` it cannot read; here
a value the schema forbids (``null``, ``0``, ``101``, given twice) is a 400 naming it.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from api.query import strict_query


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        query = PageQuerySerializer(data=request.query_params)
        strict_query(request.query_params, query.fields)
        query.is_valid(raise_exception=True)
        self._page_size = query.validated_data.get("page_size", self.page_size)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return getattr(self, "_page_size", self.page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = _("Page number, from 1. Past the last page: 404.")
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = _("Rows a page (default 20).")
        return parameters
