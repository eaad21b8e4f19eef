from django.core.paginator import Page, Paginator

PER_PAGE = 25


def paginate(request, items, per_page=PER_PAGE, *, count: int | None = None) -> Page:
    """The requested page of `items`, with the page numbers to link to (`page.links`) and
    the query string the links keep, everything but the page (`page.query`); rendered by
    templates/components/pagination.html. Pass `count` when how many items there are is
    known already: they are not counted again."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    page.links = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return page
