"""Write mosquitto's ACL and password file for a live site, and the services' secrets.

Usage::

    .venv/bin/python conf/mosquitto/make_broker_files.py conf/sites/example_site.yaml /etc/mosquitto/ftz

writes ``acl``, ``passwd`` (hashed by ``mosquitto_passwd``) and ``secrets.env`` (mode
0600: one ``FTZ_MQTT_PASSWORD_<USER>=…`` line per user, for the gate service and the
device provisioning). Existing passwords in ``secrets.env`` are kept.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ftz_live.broker_acl import acl_text, broker_users, write_password_file
from ftz_live.config import load_live_site


def _env_name(user: str) -> str:
    return "FTZ_MQTT_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", user).upper()


def main(argv: list[str]) -> int:
    """Write the broker files for the site ``argv[0]`` into ``argv[1]``; return the exit code."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    site, out = load_live_site(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    users = broker_users(site)
    secrets_file = out / "secrets.env"
    known: dict[str, str] = {}
    if secrets_file.exists():
        for line in secrets_file.read_text().splitlines():
            name, _, value = line.partition("=")
            known[name] = value
    previous = {u.name: known[_env_name(u.name)] for u in users if _env_name(u.name) in known}
    passwords = write_password_file(out / "passwd", users, previous)
    (out / "acl").write_text(acl_text(users))
    secrets_file.touch(mode=0o600)
    secrets_file.write_text("".join(f"{_env_name(u)}={p}\n" for u, p in passwords.items()))
    print(f"wrote {out / 'acl'}, {out / 'passwd'} and {secrets_file} ({len(users)} users)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
