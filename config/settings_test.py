"""The test suite's settings: the production settings, served over plain HTTP.

The suite's servers (Django's test client, pytest-django's live_server) speak plain HTTP, like the e2e server does.
With HTTPS (the production default) they would be redirected to https://, and a browser would refuse the Secure,
``__Host-`` session cookie on http://. The HTTPS defaults themselves are tested with ``config.settings`` in a
subprocess (dekomp/accounts/tests/test_security.py). An explicit DJANGO_HTTPS in the environment still wins.
"""

import os

os.environ.setdefault("DJANGO_HTTPS", "false")

from config.settings import *  # noqa: F403
