"""The site has an icon: every page links an SVG favicon that exists and is a drawing."""

import re
from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_every_page_links_the_svg_favicon(client):
    page = client.get(reverse("accounts:login")).content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link, "no <link rel=icon> in base.html"
    assert link.group(1) == static("favicon.svg")
    path = finders.find("favicon.svg")
    assert path, "dekomp/static/favicon.svg is missing"
    root = ElementTree.parse(path).getroot()  # noqa: S314 - our own static file
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox")
