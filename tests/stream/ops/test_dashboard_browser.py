"""The dashboard in headless Chromium: charts and tables fill in once articles flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.stream.ops.conftest import WebPipeline, sample_articles

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Pixels of one series' colour (RGB within a tolerance) in a chart's plot area, below
# the legend row: proof that data was drawn, not just the grid, labels and legend.
SERIES_PIXELS = """([id, rgb]) => {
  const c = document.getElementById(id);
  const top = Math.ceil(20 * (window.devicePixelRatio || 1));
  const data = c.getContext('2d').getImageData(0, top, c.width, c.height - top).data;
  let hits = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1])
        + Math.abs(data[i + 2] - rgb[2]) < 40 && data[i + 3] > 200) hits++;
  }
  return hits;
}"""


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1500})
            yield page
        finally:
            browser.close()


@pytest.fixture
def fresh_traffic(web_pipeline: WebPipeline) -> WebPipeline:
    """More articles now, so the 5-minute charts have points however long earlier tests took.

    A fixture (requested before `browser_page`) because Playwright's sync API runs an
    event loop in this thread, and sending uses `asyncio.run`.
    """
    web_pipeline.send(sample_articles("browser") + [b"{kapot"], ["decode"])
    return web_pipeline


def test_dashboard_renders_live_charts_and_tables(fresh_traffic: WebPipeline, browser_page):
    web_pipeline = fresh_traffic
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(web_pipeline.base_url) else external.append(r.url),
    )
    page.goto(web_pipeline.base_url + "/dashboard")

    page.wait_for_function(
        "() => Number(document.getElementById('updated').dataset.polls) >= 2", timeout=60_000
    )
    for chart in ("chart-throughput", "chart-latency"):
        canvas = page.locator(f"#{chart}")
        assert canvas.get_attribute("data-rendered") == "true"
        assert int(canvas.get_attribute("data-points") or 0) > 0, chart

    assert page.locator("#chart-throughput").get_attribute("data-series") == (
        "in,enriched,dead-lettered"
    )
    for chart, rgb in (("chart-throughput", (88, 166, 255)), ("chart-latency", (210, 153, 34))):
        assert page.evaluate(SERIES_PIXELS, [chart, list(rgb)]) > 10, chart

    assert page.locator("#ready").get_attribute("data-status") == "ready"
    assert page.locator("#kpi-in").inner_text().replace(",", "") == str(web_pipeline.sent)
    assert int(page.locator("#trending").get_attribute("data-rows") or 0) > 0
    first = page.locator("#trending tbody tr a").first
    assert first.get_attribute("href").startswith("https://www.wikidata.org/wiki/Q")
    dead_rows = int(page.locator("#deadletters").get_attribute("data-rows") or 0)
    assert dead_rows == sum(web_pipeline.dead_by_stage.values())
    assert "DecodeError" in page.locator("#deadletters").inner_text()
    # The test model is in use: a banner at the top says so and how to install the real one.
    banner = page.locator("#test-model-banner")
    assert banner.get_attribute("data-visible") == "true" and banner.is_visible()
    assert "argospm install translate-nl_en" in banner.inner_text()
    box = banner.bounding_box()
    assert box is not None and box["y"] < 50, box  # above everything else

    # Lag per consumer group: each group shows its own topic, internal topics hidden.
    settings = web_pipeline.settings
    groups = page.locator("#lag-groups table.lag")
    assert groups.count() == 2
    topics_by_group = {
        groups.nth(i).get_attribute("data-group"): set(
            groups.nth(i).locator("tbody tr td:first-child").all_inner_texts()
        )
        for i in range(2)
    }
    assert topics_by_group == {
        settings.app_id: {settings.topic_raw},
        f"{settings.app_id}-trending": {settings.topic_mentions},
    }
    for i in range(2):
        assert int(groups.nth(i).get_attribute("data-rows") or 0) == 2  # two partitions each
    lag_text = page.locator("#lag-groups").inner_text()
    assert "__assignor" not in lag_text and "changelog" not in lag_text

    # The first batch's warm-up is shown apart, not mixed into the percentiles.
    assert int(page.locator("#warmup").get_attribute("data-articles") or 0) > 0
    assert "not in the figures above" in page.locator("#warmup").inner_text()
    assert "argos" in page.locator("#prov-translator").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert errors == []
    assert external == []  # no CDN, nothing fetched from elsewhere
