#!/bin/sh
# Makes the secrets of compose.yaml as files under deploy/secrets/ (or DIR), which compose mounts read-only at
# /run/secrets/<name> in the services that name them. Keeps every file that exists, so running it again makes only
# what is missing; to rotate a secret, delete its file, run this again and restart the services that use it (README,
# plant-IT checklist). The folder is 0700 (other host users cannot read it); the files are 0444 so that the
# containers' own users can read them through the bind mount.
#
#   deploy/make-secrets.sh [DIR [PASSWD]]
#
# web_users (name:bcrypt-hash lines) is made with `testline hash-password admin` when a testline launcher is on the
# PATH (or in $TESTLINE): the admin's random password is printed once, on stderr. Without one it says how to make it.
#
# PASSWD (default deploy/mosquitto/passwd, mosquitto's password_file in compose) gets the bridge's MQTT user
# testline-bridge with the password of mqtt_bridge_password: made by mosquitto_passwd when it is on the PATH (or in
# $MOSQUITTO_PASSWD; set it empty to skip it), else by `testline mqtt-passwd` (the same $7$ PBKDF2-SHA512 line).
# Other users' lines in it are kept; the bridge's line is written when it is missing or mqtt_bridge_password was
# made by this run (rotation: delete that secret and run this again). The file is 0600; run as root, it is given
# to uid 1883, the eclipse-mosquitto image's user, else the command to do so is printed.
set -eu

dir=${1:-$(dirname "$0")/secrets}
passwd=${2:-$(dirname "$0")/mosquitto/passwd}
bridge_user=testline-bridge
testline=${TESTLINE:-$(command -v testline || true)}
mosquitto_passwd=${MOSQUITTO_PASSWD-$(command -v mosquitto_passwd || true)}
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

case " $made " in
  *" mqtt_bridge_password "*) bridge_line=new ;;
  *) if [ -f "$passwd" ] && grep -q "^$bridge_user:" "$passwd"; then bridge_line=kept; else bridge_line=missing; fi ;;
esac
if [ "$bridge_line" != kept ]; then
  bridge_password=$(cat "$dir/mqtt_bridge_password")
  if [ -n "$mosquitto_passwd" ]; then
    [ -f "$passwd" ] || : > "$passwd"
    # the password twice on its standard input, as at its prompt: never on a command line
    printf '%s\n%s\n' "$bridge_password" "$bridge_password" | "$mosquitto_passwd" "$passwd" "$bridge_user" >/dev/null
    made="$made $passwd($bridge_user, mosquitto_passwd)"
  elif [ -n "$testline" ]; then
    line=$(printf '%s\n' "$bridge_password" | "$testline" mqtt-passwd "$bridge_user")
    { if [ -f "$passwd" ]; then grep -v "^$bridge_user:" "$passwd" || true; fi; printf '%s\n' "$line"; } \
      > "$passwd.tmp"
    mv "$passwd.tmp" "$passwd"
    made="$made $passwd($bridge_user, testline mqtt-passwd)"
  else
    echo "make the bridge's MQTT user yourself: mosquitto_passwd $passwd $bridge_user (or testline mqtt-passwd" \
      "$bridge_user >> $passwd), with the password in $dir/mqtt_bridge_password" >&2
  fi
fi
if [ -f "$passwd" ]; then
  chmod 0600 "$passwd"
  if [ "$(id -u)" = 0 ]; then
    chown 1883:1883 "$passwd"
  elif [ "$(stat -c %u "$passwd")" != 1883 ]; then
    echo "next: sudo chown 1883:1883 $passwd (the eclipse-mosquitto image reads it as uid 1883)" >&2
  fi
fi

echo "secrets in $dir; made:${made:- nothing (all existed)}"
