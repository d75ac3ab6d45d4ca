#!/bin/sh
# testline: the plant's MQTT certificates for compose's mosquitto TLS listener (8883), with openssl (and keytool for
# the Java trust store). Makes, into one folder (default deploy/certs, not in git):
#   ca/ca.key, ca/ca.crt            the plant CA; its key never leaves this folder (not mounted into the broker)
#   broker/ca.crt, server.crt, server.key   for mosquitto (compose mounts broker/ read-only at /mosquitto/certs)
#   stations/<id>/<id>.crt, <id>.key, <id>.p12   one client certificate per station, CN = station id (mosquitto's
#                                   use_identity_as_username makes it the MQTT user name, so the ACL binds the station
#                                   to testline/v1/<id>/...); <id>.p12 is the agent's mqtt.tls.keyStore
#   ca.p12                          the agents' mqtt.tls.trustStore (PKCS12, the CA as a trusted certificate)
#   store-password                  the password of every .p12 (or TESTLINE_CERT_STORE_PASSWORD)
# Idempotent: what exists is kept; only what is missing is made. --rotate-ca makes a new CA and issues everything
# again; --renew issues the server and the named stations' certificates again under the existing CA.
# Private keys and .p12 files are 0600.
set -eu

usage() {
  cat >&2 <<'EOF'
usage: make-certs.sh [-o DIR] [-s HOST_OR_IP]... [-d DAYS] [--rotate-ca] [--renew] [STATION_ID]...
  -o DIR        output folder (default: deploy/certs beside this script's folder)
  -s HOST|IP    a name or address the stations reach the broker by (repeatable; default: localhost, 127.0.0.1)
  -d DAYS       validity of server and station certificates (default 825); the CA gets 3650
  --rotate-ca   make a new CA and issue the server and every station certificate found in DIR again
  --renew       issue the server certificate and the named stations' certificates again under the current CA
EOF
  exit 64
}

check_id() {
  # the agent's station.id rule; the bridge's and monitors' user names would inherit their ACL
  if ! printf '%s' "$1" | grep -Eq '^[A-Za-z0-9._-]{1,64}$'; then
    echo "make-certs.sh: station id \"$1\": letters, digits, . _ - only (max 64)" >&2; exit 65
  fi
  case "$1" in testline-bridge|testline-monitor)
    echo "make-certs.sh: station id \"$1\" is a service's MQTT user name; a certificate for it gets that user's ACL" >&2
    exit 65 ;;
  esac
}

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
out="$here/../certs"
sans=""
days=825
rotate=false
renew=false
stations=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    -s) [ $# -ge 2 ] || usage; sans="$sans $2"; shift 2 ;;
    -d) [ $# -ge 2 ] || usage; days=$2; shift 2 ;;
    --rotate-ca) rotate=true; shift ;;
    --renew) renew=true; shift ;;
    -h|--help) usage ;;
    -*) echo "make-certs.sh: unknown option $1" >&2; usage ;;
    *) check_id "$1"; stations="$stations $1"; shift ;;
  esac
done
case "$days" in ''|*[!0-9]*) echo "make-certs.sh: -d: \"$days\" is not a number of days" >&2; exit 64 ;; esac
[ -n "$sans" ] || sans="localhost 127.0.0.1"
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is not installed" >&2; exit 69; }

umask 077
mkdir -p "$out/ca" "$out/broker" "$out/stations"
out=$(CDPATH= cd -- "$out" && pwd)
made=""
note() { made="$made
  $1"; }

if [ ! -f "$out/store-password" ]; then
  printf '%s' "${TESTLINE_CERT_STORE_PASSWORD:-$(openssl rand -hex 16)}" > "$out/store-password"
fi
pass=$(cat "$out/store-password")

if $rotate || [ ! -f "$out/ca/ca.key" ] || [ ! -f "$out/ca/ca.crt" ]; then
  if [ -f "$out/ca/ca.crt" ]; then
    mv "$out/ca/ca.crt" "$out/ca/ca.crt.old"
    note "$out/ca/ca.crt.old (the previous CA: trust both while stations move over)"
  fi
  openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 3650 -subj "/CN=testline plant MQTT CA $(date +%Y%m%d%H%M%S)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca/ca.key" -out "$out/ca/ca.crt" 2>/dev/null
  note "$out/ca/ca.crt (new CA)"
  rotate=true
  # everything the old CA signed is issued again
  for dir in "$out"/stations/*/; do
    [ -d "$dir" ] && stations="$stations $(basename "$dir")"
  done
fi

# issue NAME SUBJECT_CN EXT_FILE: NAME.key and NAME.crt signed by the CA
issue() {
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -sha256 -days "$days" -in "$1.csr" -CA "$out/ca/ca.crt" -CAkey "$out/ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$3" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr"
  chmod 600 "$1.key"
  chmod 644 "$1.crt"
}

ext="$out/.ext.tmp"
trap 'rm -f "$ext"' EXIT
# the broker trusts the previous CA's station certificates too while a rotation is under way
cat "$out/ca/ca.crt" > "$out/broker/ca.crt"
[ ! -f "$out/ca/ca.crt.old" ] || cat "$out/ca/ca.crt.old" >> "$out/broker/ca.crt"
chmod 644 "$out/ca/ca.crt" "$out/broker/ca.crt"
if $rotate || $renew || [ ! -f "$out/broker/server.crt" ]; then
  alt=""
  for san in $sans; do
    if printf '%s' "$san" | grep -Eq '^[0-9.]+$|:'; then alt="$alt,IP:$san"; else alt="$alt,DNS:$san"; fi
  done
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
    "${alt#,}" > "$ext"
  issue "$out/broker/server" "testline MQTT broker" "$ext"
  note "$out/broker/server.crt for ${alt#,}"
fi

for id in $stations; do
  dir="$out/stations/$id"
  if $rotate || $renew || [ ! -f "$dir/$id.p12" ]; then
    mkdir -p "$dir"
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$ext"
    issue "$dir/$id" "$id" "$ext"
    openssl pkcs12 -export -name "$id" -in "$dir/$id.crt" -inkey "$dir/$id.key" -certfile "$out/ca/ca.crt" \
      -passout "pass:$pass" -out "$dir/$id.p12"
    chmod 600 "$dir/$id.p12"
    note "$dir/$id.p12 (station $id, CN=$id)"
  fi
done

if command -v keytool >/dev/null; then
  if $rotate || $renew || [ ! -f "$out/ca.p12" ]; then
    rm -f "$out/ca.p12.tmp"
    keytool -importcert -noprompt -alias testline-plant-ca -file "$out/ca/ca.crt" -keystore "$out/ca.p12.tmp" \
      -storetype PKCS12 -storepass "$pass" >"$ext" 2>&1 || { cat "$ext" >&2; exit 70; }
    if [ -f "$out/ca/ca.crt.old" ]; then
      keytool -importcert -noprompt -alias testline-plant-ca-old -file "$out/ca/ca.crt.old" \
        -keystore "$out/ca.p12.tmp" -storetype PKCS12 -storepass "$pass" >"$ext" 2>&1 || { cat "$ext" >&2; exit 70; }
    fi
    chmod 600 "$out/ca.p12.tmp"
    mv "$out/ca.p12.tmp" "$out/ca.p12"
    note "$out/ca.p12 (agents' mqtt.tls.trustStore)"
  fi
else
  echo "make-certs.sh: keytool not found: no ca.p12; make it on a machine with a JDK:" >&2
  echo "  keytool -importcert -noprompt -alias testline-plant-ca -file $out/ca/ca.crt -keystore ca.p12 -storetype PKCS12" >&2
fi

if [ -n "$made" ]; then
  echo "made in $out:$made"
else
  echo "nothing to make in $out: everything exists (--renew or --rotate-ca to issue again)"
fi
cat <<EOF
store password (every .p12): $out/store-password
broker: mount $out/broker read-only at /mosquitto/certs; the eclipse-mosquitto image runs as uid 1883:
  sudo chown 1883 $out/broker/server.key   then   docker compose restart mosquitto
station <id>: copy ca.p12 and stations/<id>/<id>.p12 to it (mqtt.tls.trustStore, mqtt.tls.keyStore, both with the
  store password); add a station later: make-certs.sh -o $out <id>
rotate: make-certs.sh -o $out --rotate-ca   (new CA, server and station certificates; ca.p12 trusts the new and
  the previous CA, and so does broker/ca.crt: restart mosquitto, give each station its new ca.p12 and .p12; when all
  have them: rm $out/ca/ca.crt.old, make-certs.sh -o $out --renew, restart mosquitto)
EOF
