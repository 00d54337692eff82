#!/usr/bin/env bash
# Makes a private certificate authority and, signed by it, one PKCS12 keystore per name: the
# brokers' and each client's (for mutual TLS the CN is the principal: CN=ingest is User:ingest).
# Needs only a JDK's keytool. Run again, it keeps the CA and keystores it made and adds new names.
#
#   ops/security/make-certs.sh DIR [NAME...]     (names default to: kafka ingest streams notifier admin)
#
# DIR gets: store.password (random, for every store), ca.p12 (the CA's key: keep it off the
# hosts), ca.pem, truststore.p12 (the CA's certificate only), and for each name NAME.p12 and
# NAME.password (a random SCRAM password, for a SASL_SSL set-up). Each certificate names NAME,
# localhost and 127.0.0.1, so clients that check host names accept it there.
set -euo pipefail
out="${1:?usage: make-certs.sh DIR [NAME...]}"
shift
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then names=(kafka ingest streams notifier admin); fi
keytool="keytool"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then keytool="$JAVA_HOME/bin/keytool"; fi
days="${CERT_VALIDITY_DAYS:-825}"

mkdir -p "$out"
cd "$out"
umask 077
secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
if [[ ! -s store.password ]]; then secret > store.password; fi
pw="$(cat store.password)"
ec=(-keyalg EC -groupname secp256r1 -storetype PKCS12 -storepass "$pw")

if [[ ! -f ca.p12 ]]; then
  # A name of its own: a client given another paper-alerts CA must not mistake it for this one.
  "$keytool" -genkeypair -alias ca -dname "CN=paper-alerts CA $(od -An -N6 -tx1 /dev/urandom | tr -d " \n")" "${ec[@]}" -validity 3650 \
    -ext bc:c -keystore ca.p12 2>/dev/null
  "$keytool" -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$pw" -file ca.pem 2>/dev/null
  rm -f truststore.p12
  "$keytool" -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 \
    -storepass "$pw" 2>/dev/null
fi

for name in "${names[@]}"; do
  if [[ ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]]; then
    echo "make-certs.sh: '$name' is not a host or user name" >&2
    exit 2
  fi
  # No newline: Kafka's DirectoryConfigProvider reads the file as the value.
  if [[ ! -s "$name.password" ]]; then secret > "$name.password"; fi
  [[ -f "$name.p12" ]] && continue
  "$keytool" -genkeypair -alias "$name" -dname "CN=$name" "${ec[@]}" -validity "$days" -keystore "$name.p12" 2>/dev/null
  "$keytool" -certreq -alias "$name" -keystore "$name.p12" -storepass "$pw" -file "$name.csr" 2>/dev/null
  "$keytool" -gencert -rfc -alias ca -keystore ca.p12 -storepass "$pw" -infile "$name.csr" -outfile "$name.pem" \
    -validity "$days" -ext "SAN=dns:$name,dns:localhost,ip:127.0.0.1" -ext KeyUsage=digitalSignature \
    -ext ExtendedKeyUsage=serverAuth,clientAuth 2>/dev/null
  "$keytool" -importcert -noprompt -alias ca -file ca.pem -keystore "$name.p12" -storepass "$pw" 2>/dev/null
  "$keytool" -importcert -noprompt -alias "$name" -file "$name.pem" -keystore "$name.p12" -storepass "$pw" 2>/dev/null
  rm -f "$name.csr" "$name.pem"
done
# Readable by the services' containers, which do not run as this user.
chmod 644 ./*.p12 ./*.password ca.pem
chmod 600 ca.p12
echo "certificates in $out: ${names[*]}"
