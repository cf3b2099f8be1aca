"""Locust users for ``bench/pages_load.py``: vetted members reading the main pages.

Not run on its own: ``pages_load.py`` starts ``locust --headless -f bench/locust_pages.py``
with ``FRONTLINE_BENCH_PLAN`` naming a JSON file of the pages (name -> URLs) and of one
signed-in session per simulated person (sessions made in the database beforehand, so no
sign-in, rate limit or password hash is in the figures).

The users are locust's ``FastHttpUser`` (geventhttpclient), not ``HttpUser`` (requests):
locust runs on the same two cores as the server, and requests cost it about 9 % of a core
at 50 users, CPU the server then lacks. Each request sends a browser's
``Accept-Encoding``, so pages come gzipped as they would to a browser.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["FRONTLINE_BENCH_PLAN"]).read_text(encoding="utf-8"))
SESSIONS = itertools.cycle(PLAN["sessions"])


class Member(FastHttpUser):
    """One person with a browser tab: a page, a few seconds of reading, the next page."""

    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.headers = {
            "Cookie": f"{PLAN['cookie']}={next(SESSIONS)}",
            "Accept-Encoding": "gzip, deflate",
        }

    @task
    def page(self):
        name = random.choice(list(PLAN["pages"]))
        url = random.choice(PLAN["pages"][name])
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            elif b'name="password"' in response.content:
                response.failure(f"signed out at {url}")
