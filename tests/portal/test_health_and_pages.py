import pytest
from django.urls import reverse

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_service_up(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == {"ok": True, "detail": "postgresql"}
    assert data["cache"]["ok"] is True and data["cache"]["detail"] == "RedisCache"
    assert data["broker"]["ok"] is True


def test_healthz_reports_a_broker_that_is_down(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "degraded"
    assert data["broker"]["ok"] is False
    assert data["database"]["ok"] is True


def test_healthz_reports_a_cache_that_is_down(client, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from portal.home import health

    monkeypatch.setattr(health, "cache", RedisCache("redis://127.0.0.1:1/0", {}))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False


def test_home_page_is_chinese_and_names_the_portal(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "数字服务出口基地申报评审平台" in body
    assert "正在受理的申报批次" in body
    assert 'lang="zh-hans"' in body


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert "Digital Service Export Base Application and Review Platform" in body
    assert 'lang="en"' in body


def test_unknown_url_gets_a_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body or "未找到" in body
    assert "bootstrap.min.css" in body


@pytest.mark.urls("tests.portal.urls_error")
def test_server_error_gets_a_styled_500_that_leaks_nothing(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器" in body
    assert "Traceback" not in body and "secret-detail" not in body


def test_security_headers_and_csp_without_unsafe_inline(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
