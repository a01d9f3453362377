"""One way to page a list (part of the app-free toolkit): a stale or mangled ``?page=`` shows the
nearest real page (the last one for ``?page=999``, the first for ``?page=abc``), never a 404.
Function views get the same from ``Paginator.get_page``; never call ``Paginator.page`` on a
number from the query string."""

from __future__ import annotations


class LenientPaginationMixin:
    """For a ``ListView``, whose own ``paginate_queryset`` answers 404 to a page out of range."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
