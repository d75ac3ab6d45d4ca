#!/bin/sh
# Makes the secrets of compose.yaml as files under deploy/secrets/ (or DIR), which compose mounts read-only at
# /run/secrets/<name> in the services that name them. Keeps every file that exists, so running it again makes only
# what is missing; to rotate a secret, delete its file, run this again and restart the services that use it (README,
# plant-IT checklist). The folder is 0700 (other host users cannot read it); the files are 0444 so that the
# containers' own users can read them through the bind mount.
#
#   deploy/make-secrets.sh [DIR]
#
# web_users (name:bcrypt-hash lines) is made with `testline hash-password admin` when a testline launcher is on the
# PATH (or in $TESTLINE): the admin's random password is printed once, on stderr. Without one it says how to make it.
set -eu

dir=${1:-$(dirname "$0")/secrets}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"

random() {
  # 32 random bytes, base64 without the characters that trouble URLs and shells
  openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-40
}

made=""
for name in postgres_password mqtt_bridge_password api_token web_session_key metrics_password \
    grafana_admin_password; do
  if [ ! -s "$dir/$name" ]; then
    random > "$dir/$name.tmp"
    mv "$dir/$name.tmp" "$dir/$name"
    made="$made $name"
  fi
  chmod 0444 "$dir/$name"
done

if [ ! -s "$dir/web_users" ]; then
  testline=${TESTLINE:-$(command -v testline || true)}
  if [ -n "$testline" ]; then
    password=$(random)
    printf '%s\n' "$password" | "$testline" hash-password admin > "$dir/web_users.tmp"
    mv "$dir/web_users.tmp" "$dir/web_users"
    made="$made web_users"
    echo "web user admin, password (shown once, keep it in the plant's password safe): $password" >&2
  else
    echo "make $dir/web_users yourself: testline hash-password admin > $dir/web_users" \
      "(or htpasswd -nBC 12 admin); one name:bcrypt-hash line per user" >&2
  fi
fi
[ -f "$dir/web_users" ] && chmod 0444 "$dir/web_users"

echo "secrets in $dir; made:${made:- nothing (all existed)}"
echo "next: mosquitto_passwd -c deploy/mosquitto/passwd testline-bridge, with the password in $dir/mqtt_bridge_password"
