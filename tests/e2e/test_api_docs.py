"""The open-data API's documentation page (Swagger UI, vendored with django-ninja) works in a real browser
under the portal's strict Content-Security-Policy: no refused script or style, every endpoint listed."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_page_renders_under_the_csp(page):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto("/api/v1/docs")
    assert response.status == 200 and "unsafe-inline" not in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {p.replace("\u200b", "") for p in paths} == {"/api/v1/calls", "/api/v1/notices",
                                                       "/api/v1/notices/{pk}", "/api/v1/bases"}
    assert "开放数据接口" in page.locator(".info .title").inner_text()
    assert problems == []
