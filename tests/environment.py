"""The tests' environment, loaded as a plugin (`-p tests.environment` in
pyproject.toml) before pytest-django imports the settings.

The test client and the live server speak plain HTTP, so the production
redirect to HTTPS is off; tests/test_security.py checks the production defaults
in a separate process.
"""

import os

os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# No dashboard refresh queued after every save of every test (with a live
# broker they would pile up); tests/agreements/test_dashboard.py turns it on.
os.environ.setdefault("DASHBOARD_REFRESH_SECONDS", "0")
