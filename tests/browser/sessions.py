from django.test import Client


def as_user(browser, live_server, user, **options):
    """A browser context logged in as `user` (session cookie from the test client)."""
    client = Client()
    client.force_login(user)
    options = {"locale": "es-MX", "viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.csp_violations = watch_csp(page)
    return context, page


def watch_csp(page):
    """The Content-Security-Policy refusals the browser reports on this page."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused
