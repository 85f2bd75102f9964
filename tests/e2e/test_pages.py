"""Every page in Chromium: loads with no Streamlit exception and no console error, shows the
demo banner, and leaves a screenshot in tests/e2e/screenshots/ for a reviewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

ROOT = Path(__file__).resolve().parents[2]
APP = (ROOT / "app.py").read_text(encoding="utf-8")
# (url_path, page file); the default page lives at the root URL
PAGES = []
for block in APP.split("st.Page(")[1:]:
    file = re.match(r'\s*"(pages/[\w/]+\.py)"', block).group(1)
    url = re.search(r'url_path="([\w-]+)"', block).group(1)
    PAGES.append(("" if "default=True" in block else url, Path(file).stem))


@pytest.mark.parametrize(("url_path", "name"), PAGES, ids=[n for _, n in PAGES])
def test_page_loads_cleanly(page, app_url, url_path, name):
    page.goto(f"{app_url}/{url_path}")
    wait_for_app(page)
    page.wait_for_timeout(1500)  # let maps and charts draw before the screenshot
    assert_no_exception(page)
    assert page.locator("[data-testid='stAlert']").filter(has_text="演示数据（虚构）").count() >= 1
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, f"page-{name}")
    assert page.errors == [], page.errors
