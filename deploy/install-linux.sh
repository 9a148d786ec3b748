#!/usr/bin/env bash
# Installs (or upgrades) LeakWatch as a systemd service. Idempotent: run it again to upgrade.
#   dotnet publish src/LeakWatch.Service -c Release -r linux-x64 --self-contained false -o out/linux
#   sudo deploy/install-linux.sh out/linux
# What it does: a system user `leakwatch`; the program in /opt/leakwatch; the key in /etc/leakwatch/leakwatch.key
# (root only, generated once, never replaced; systemd hands it to the service with LoadCredential); the data in
# /var/lib/leakwatch (created by systemd, mode 700); the settings in /etc/leakwatch/appsettings.Production.json
# (from deploy/appsettings.example.json, never overwritten); the unit; and /usr/local/sbin/leakwatch, which runs a
# verb as the service does (same user, key credential and settings).
set -euo pipefail

source_dir="${1:?usage: install-linux.sh PUBLISHED_FOLDER}"
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "install-linux.sh: run as root (sudo)." >&2; exit 1; }
[ -x "$source_dir/leakwatch" ] || { echo "install-linux.sh: $source_dir/leakwatch not found; publish first (see the header)." >&2; exit 1; }

getent passwd leakwatch >/dev/null || useradd --system --no-create-home --home-dir /var/lib/leakwatch --shell /usr/sbin/nologin leakwatch

install -d -m 0755 /opt/leakwatch
cp -r "$source_dir"/. /opt/leakwatch/
[ -f "$here/../README.md" ] && cp "$here/../README.md" /opt/leakwatch/README.md

# The service user reads its settings through the symlink below; the key file inside stays 0600 root.
install -d -m 0750 -o root -g leakwatch /etc/leakwatch
if [ ! -f /etc/leakwatch/appsettings.Production.json ]; then
    install -m 0640 -o root -g leakwatch "$here/appsettings.example.json" /etc/leakwatch/appsettings.Production.json
    echo "Wrote /etc/leakwatch/appsettings.Production.json from the example: edit its sources and channels."
fi
# The program reads appsettings.{Environment}.json beside itself.
ln -sf /etc/leakwatch/appsettings.Production.json /opt/leakwatch/appsettings.Production.json

if [ ! -f /etc/leakwatch/leakwatch.key ]; then
    /opt/leakwatch/leakwatch key init --LeakWatch:KeyFile=/etc/leakwatch/leakwatch.key
    echo "Back up /etc/leakwatch/leakwatch.key apart from /var/lib/leakwatch: without it the fingerprints are useless."
fi
chown root:root /etc/leakwatch/leakwatch.key
chmod 0600 /etc/leakwatch/leakwatch.key

cat > /usr/local/sbin/leakwatch <<'WRAPPER'
#!/usr/bin/env bash
# Runs a LeakWatch verb the way the service runs: as `leakwatch`, with the key as a credential and the same settings.
unit="leakwatch-verb-$$"
exec systemd-run --quiet --pipe --wait --collect --service-type=exec --unit="$unit" \
    -p User=leakwatch -p Group=leakwatch -p WorkingDirectory=/var/lib/leakwatch \
    -p LoadCredential=leakwatch.key:/etc/leakwatch/leakwatch.key \
    -p Environment=DOTNET_ENVIRONMENT=Production -p Environment=LeakWatch__DataDirectory=/var/lib/leakwatch/data \
    -p "Environment=LeakWatch__KeyFile=/run/credentials/$unit.service/leakwatch.key" \
    -p ReadOnlyPaths=/ -p ReadWritePaths=/var/lib/leakwatch -p PrivateTmp=yes -p NoNewPrivileges=yes \
    /opt/leakwatch/leakwatch "$@"
WRAPPER
chmod 0755 /usr/local/sbin/leakwatch

install -m 0644 "$here/leakwatch.service" /etc/systemd/system/leakwatch.service
systemctl daemon-reload
systemctl enable leakwatch.service >/dev/null
systemctl restart leakwatch.service
echo "LeakWatch installed. Next: sudo leakwatch enroll /path/to/export.csv (a file the leakwatch user can read; then delete it),"
echo "edit /etc/leakwatch/appsettings.Production.json, sudo systemctl restart leakwatch, and check with: sudo leakwatch doctor"
