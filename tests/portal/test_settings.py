import json
import os
import subprocess
import sys

from django.conf import settings

from config.settings import tile_source

# A key as `make run` makes one: long and random enough for production.
LONG_KEY = ("k3Vq9-Zr7Tn2Wm5Xp8Ys4Lb6Hd1Gf0Jc" * 2)[:50]


def _run(command, env):
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


def _run_check(env):
    return _run(["check"], env)


def _settings(env, *names):
    """The named settings as a process started with `env` sees them."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = _run(["shell", "-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _example_env():
    lines = (settings.BASE_DIR / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if "=" in line and line[0] != "#"]
    return {name: value for name, value in pairs}


def test_production_refuses_the_development_secret_key():
    result = _run_check({"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_with_the_example_environment_refuses_to_start():
    result = _run(["check", "--deploy"], _example_env())
    assert result.returncode != 0
    assert "SECRET_KEY is the development key or the example" in result.stderr


def test_production_refuses_a_secret_key_shorter_than_50_characters():
    result = _run_check({"DEBUG": "false", "SECRET_KEY": LONG_KEY[:49]})
    assert result.returncode != 0
    assert "SECRET_KEY has 49 characters" in result.stderr


def test_production_starts_with_a_long_secret_key():
    result = _run_check({"DEBUG": "false", "SECRET_KEY": LONG_KEY})
    assert result.returncode == 0, result.stderr


def test_booleans_must_be_spelled_out():
    result = _run_check({"DEBUG": "yes"})
    assert result.returncode != 0
    assert "DEBUG must be 'true' or 'false'" in result.stderr


def test_a_pool_size_gives_each_process_a_bounded_pool_and_no_kept_connections():
    env = {"DB_POOL_MAX_SIZE": "4", "DB_POOL_MIN_SIZE": "2", "CONN_MAX_AGE": "60"}
    database = _settings(env, "DATABASES")["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0


def test_without_a_pool_size_connections_are_kept_as_before():
    database = _settings({"DB_POOL_MAX_SIZE": "", "CONN_MAX_AGE": ""}, "DATABASES")[
        "DATABASES"
    ]["default"]
    assert "pool" not in database.get("OPTIONS", {})
    assert database["CONN_MAX_AGE"] == 60


def test_production_on_plain_http_as_make_run_serves_sets_no_https_only_cookies():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": LONG_KEY,
        "SITE_URL": "http://127.0.0.1:8000",
    }
    found = _settings(env, "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert found == {"SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False}


def test_production_on_https_keeps_cookies_https_only_and_redirects():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": LONG_KEY,
        "SITE_URL": "https://jobs.example.cn",
    }
    found = _settings(env, "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert found == {"SESSION_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True}


def test_the_policy_allows_images_from_the_tile_server_the_map_uses():
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_source("https://{s}.tiles.example.cn/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.cn"
    )
    assert tile_source("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=k") == (
        "https://*.tianditu.gov.cn"
    )
    assert tile_source("/tiles/{z}/{x}/{y}.png") == "'self'"


def test_a_tianditu_key_makes_its_tiles_the_default_and_the_policy_allows_them():
    found = _settings({"TIANDITU_KEY": "k3y"}, "MAP_TILES", "CONTENT_SECURITY_POLICY")

    assert found["MAP_TILES"] == "tianditu"
    assert found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'",
        "data:",
        "https://*.tianditu.gov.cn",
    ]


def test_without_a_key_or_a_tile_server_the_maps_load_no_tiles_from_anywhere():
    env = {"TIANDITU_KEY": "", "MAP_TILES_URL": "", "MAP_TILES": ""}
    found = _settings(env, "MAP_TILES", "CONTENT_SECURITY_POLICY")

    assert found["MAP_TILES"] == "none"
    assert found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'",
        "data:",
    ]
