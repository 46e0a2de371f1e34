from django.utils.cache import add_never_cache_headers, patch_vary_headers


def private_pages_not_stored(get_response):
    """Every page shown to a signed-in person is private (lists, dashboard,
    exports, account, approvals): no browser or proxy may keep a copy."""

    def middleware(request):
        response = get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response

    return middleware
