"""A throwaway WordPress for the tests: Debian's package, a MariaDB database of its own, PHP's server.

Debian's WordPress reads its settings from /etc/wordpress/config-<host>.php; the tests write nothing
there. They build a folder whose top-level PHP files are copies (PHP resolves symlinks in
``__DIR__``, and ``wp-load.php`` finds ``wp-config.php`` beside itself) with the test's own
``wp-config.php``, and whose ``wp-admin`` and ``wp-includes`` are links to Debian's. WordPress is
installed by its own ``wp_install`` from PHP's command line, a user is given an application password
(``WP_Application_Passwords``), and ``php -S`` serves the folder on 127.0.0.1 through a router that
sends every path that is not a file to ``index.php``, so ``/wp-json/`` works as under Apache.
Application passwords need HTTPS, or the environment type ``local``, which the config sets.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.databases import missing
from tests.support.processes import stop_group

WORDPRESS = Path("/usr/share/wordpress")
PHP = shutil.which("php") or "/usr/bin/php"
MARIADB_HOST = os.environ.get("TEST_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("TEST_MARIADB_PORT", "3306"))
MARIADB_USER = os.environ.get("TEST_MARIADB_USER", "root")
MARIADB_PASSWORD = os.environ.get("TEST_MARIADB_PASSWORD", "")


@dataclass(frozen=True, slots=True)
class WordPress:
    """A running test site: its URL, the editor's login and application password, its folder."""

    url: str
    user: str
    app_password: str
    folder: Path

    def php(self, code: str, *, installing: bool = False) -> str:
        """Run PHP ``code`` inside the site (WordPress loaded) and return what it prints."""
        script = self.folder / f"run-{secrets.token_hex(4)}.php"
        head = "define('WP_INSTALLING', true);\n" if installing else ""
        script.write_text(
            f"<?php\n{head}$_SERVER['HTTP_HOST'] = 'localhost';\nrequire __DIR__ . '/wp-load.php';\n" + code,
            encoding="utf-8",
        )
        try:
            done = subprocess.run([PHP, str(script)], capture_output=True, text=True, timeout=60, check=False)
        finally:
            script.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"php failed: {done.stdout} {done.stderr}")
        return done.stdout


def available() -> str | None:
    """Return why WordPress cannot run here, or None when it can."""
    if not (WORDPRESS / "wp-settings.php").exists():
        return "Debian's wordpress is not installed (apt-get install wordpress php8.2-cli php8.2-mysql)"
    if not Path(PHP).exists():
        return "php is not installed (apt-get install php8.2-cli php8.2-mysql)"
    done = subprocess.run([PHP, "-r", "exit(extension_loaded('mysqli') ? 0 : 1);"], check=False)
    if done.returncode != 0:
        return "PHP's MySQL module is missing (apt-get install php8.2-mysql)"
    try:
        with socket.create_connection((MARIADB_HOST, MARIADB_PORT), timeout=2):
            pass
    except OSError as exc:
        return f"MariaDB is not reachable on {MARIADB_HOST}:{MARIADB_PORT}: {exc}"
    return None


def require_wordpress() -> None:
    """Skip the calling test module without WordPress, PHP or MariaDB, except in CI (an error there)."""
    reason = available()
    if reason is not None:
        missing("WordPress", reason, module=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sql(statement: str) -> None:
    # PHP's mysqli rather than a mysql client binary: one less package on a fresh machine.
    login = ", ".join(json.dumps(v) for v in (MARIADB_HOST, MARIADB_USER, MARIADB_PASSWORD))
    code = f"$db = new mysqli({login}, '', {MARIADB_PORT}); $db->query({json.dumps(statement)}) or exit(1);"
    subprocess.run([PHP, "-r", code], check=True, capture_output=True, timeout=30)


def start(folder: Path) -> Iterator[WordPress]:
    """Install and serve a WordPress in ``folder`` until the generator is closed (a fixture's body)."""
    database = f"aggregator_wp_{secrets.token_hex(4)}"
    _sql(f"CREATE DATABASE {database} CHARACTER SET utf8mb4")
    try:
        yield from _serve(folder, database)
    finally:
        _sql(f"DROP DATABASE IF EXISTS {database}")


def _serve(folder: Path, database: str) -> Iterator[WordPress]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    site = folder / "site"
    _build(site, database, url)
    admin_password = secrets.token_urlsafe(12)
    install = WordPress(url, "editor", "", site).php(
        "require_once ABSPATH . 'wp-admin/includes/upgrade.php';\n"
        "wp_install('Knowledge base', 'editor', 'editor@kb.example', true, '', "
        f"{json.dumps(admin_password)});\n"
        "update_option('permalink_structure', '/%postname%/');\n"
        "flush_rewrite_rules();\n"
        "$user = get_user_by('login', 'editor');\n"
        "list($password) = WP_Application_Passwords::create_new_application_password("
        "$user->ID, array('name' => 'aggregator'));\n"
        "echo $password;\n",
        installing=True,
    )
    app_password = install.strip().splitlines()[-1]
    router = site / "router.php"
    process = subprocess.Popen(
        [PHP, "-S", f"127.0.0.1:{port}", "-t", str(site), str(router)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait(url, process)
        yield WordPress(url, "editor", app_password, site)
    finally:
        stop_group(process)


def _build(site: Path, database: str, url: str) -> None:
    site.mkdir(parents=True)
    for entry in WORDPRESS.iterdir():
        if entry.name in {"wp-config.php", ".htaccess", "wp-content"}:
            continue
        if entry.is_dir():
            (site / entry.name).symlink_to(entry)
        else:
            shutil.copy(entry, site / entry.name)
    content = site / "wp-content"
    (content / "uploads").mkdir(parents=True)
    for name in ("themes", "plugins", "languages"):
        if (WORDPRESS / "wp-content" / name).exists():
            (content / name).symlink_to(WORDPRESS / "wp-content" / name)
    (site / "wp-config.php").write_text(
        f"""<?php
define('DB_NAME', {json.dumps(database)});
define('DB_USER', {json.dumps(MARIADB_USER)});
define('DB_PASSWORD', {json.dumps(MARIADB_PASSWORD)});
define('DB_HOST', {json.dumps(f"{MARIADB_HOST}:{MARIADB_PORT}")});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', {json.dumps(url)});
define('WP_SITEURL', {json.dumps(url)});
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_AUTO_UPDATE_CORE', false);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', false);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {{ define('ABSPATH', __DIR__ . '/'); }}
require_once ABSPATH . 'wp-settings.php';
""",
        encoding="utf-8",
    )
    (site / "router.php").write_text(
        """<?php
// PHP's server as Apache with WordPress's rewrite rules: real files as they are, the rest to index.php.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = __DIR__ . $path;
if ($path !== '/' && file_exists($file) && !is_dir($file)) {
    if (substr($file, -4) !== '.php') { return false; }
    require $file; return true;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
require __DIR__ . '/index.php';
""",
        encoding="utf-8",
    )


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"php -S exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/wp-json/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"WordPress did not answer at {url} within 20 s")
