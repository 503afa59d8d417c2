"""Real servers on loopback for the deployment tests: an S3-compatible object storage (moto's server mode),
gunicorn serving the portal and Debian's nginx in front of it. A missing program is a failure, never a skip."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3-compatible server on an ephemeral loopback port: the endpoint URL."""
    program = BIN / "moto_server"
    if not program.exists():
        pytest.fail("moto_server not found: pip install 'moto[server]' (requirements-dev.txt).")
    port = free_port()
    process = subprocess.Popen([str(program), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, process)
        yield url
    finally:
        stop(process)


def s3_options(endpoint: str, bucket: str) -> dict:
    return {"bucket_name": bucket, "endpoint_url": endpoint, "access_key": "testing", "secret_key": "testing",
            "region_name": "us-east-1", "location": "portal", "addressing_style": "path",
            "signature_version": "s3v4", "default_acl": None, "file_overwrite": False, "querystring_auth": True,
            "querystring_expire": 60}


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                        aws_secret_access_key="testing", region_name="us-east-1")


@pytest.fixture
def s3_storage(s3_server, settings):
    """STORAGES["default"] on a fresh bucket of the S3 server, as STORAGE_BACKEND=s3 configures it."""
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                                          "OPTIONS": s3_options(s3_server, bucket)}}
    yield client, bucket


def nginx_program() -> str:
    program = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not program:
        pytest.fail("nginx not found: apt-get install nginx (.ci/run and make test install it).")
    return program


def portal_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **extra})
    return env
