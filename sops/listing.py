"""The SOP list's rows a page at a time, read agency by agency.

The list is ordered by the agency's country and name, then reference. Asked of the whole
filtered queryset, that order joins and sorts every visible procedure for each page: 27
of the unfiltered list's 34 ms of SQL at 20,000 procedures, and its count 7 more. There are
few agencies, though, and each agency's procedures are in its (agency, reference) index.
So one grouped count says how many rows each agency has, which gives the paginator its
total and says which agencies a page spans; then one query reads just that page from
those agencies. The rows and their order are the queryset's own.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.functional import cached_property

from network.models import Agency
from sops.selectors import LIST_ORDER


class RowsByAgency:
    """``queryset``'s rows in the list's order, for Django's ``Paginator`` (which asks only
    ``count()`` and a slice)."""

    def __init__(self, queryset: QuerySet):
        # The grouping below is this order's; another would be paginated wrongly, quietly.
        if tuple(queryset.query.order_by) != LIST_ORDER:
            raise ValueError(f"RowsByAgency reads the list's order {LIST_ORDER}")
        self.queryset = queryset

    @cached_property
    def _groups(self) -> list[tuple[list[int], int]]:
        """Agencies in the list's order, each with its count of rows. Agencies whose country
        and name are the same share a group: their rows interleave by reference."""
        counts = dict(self.queryset.order_by().values_list("agency_id").annotate(rows=Count("pk")))
        listed = (
            Agency.objects.filter(pk__in=counts)
            .order_by("country__name", "name", "pk")
            .values_list("pk", "country__name", "name")
        )
        groups = []
        for _key, same in groupby(listed, key=lambda row: row[1:]):
            ids = [pk for pk, *_names in same]
            groups.append((ids, sum(counts[pk] for pk in ids)))
        return groups

    def count(self) -> int:
        return sum(rows for _ids, rows in self._groups)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("RowsByAgency is read a page (a slice) at a time")
        start, stop, _step = index.indices(self.count())
        if start >= stop:
            return []
        spanned, skipped, seen = [], 0, 0
        for ids, rows in self._groups:
            if seen + rows <= start:
                seen += rows
                continue
            if not spanned:
                skipped = seen
            spanned.append(ids)
            seen += rows
            if seen >= stop:
                break
        rank = Case(
            *(When(agency_id=pk, then=Value(i)) for i, ids in enumerate(spanned) for pk in ids),
            output_field=IntegerField(),
        )
        rows = (
            self.queryset.filter(agency_id__in=[pk for ids in spanned for pk in ids])
            .annotate(agency_rank=rank)
            .order_by("agency_rank", "reference", "pk")
        )
        return list(rows[start - skipped : stop - skipped])
