#!/usr/bin/env bash
# Quick start: installs what is missing, starts a local OpenLDAP with the sample directory and Concord on the
# bidirectional LDAP sample, then shows it working with curl. Safe to run again (it restarts both).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SAMPLE=samples/sync-with-ldap-bidirectional
PORT=${OPENIDM_PORT_HTTP:-8080}
export DEBIAN_FRONTEND=noninteractive
mkdir -p data

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing what is missing"
if ! command -v slapd >/dev/null 2>&1 && [ ! -x /usr/sbin/slapd ] || ! command -v ldapsearch >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq slapd ldap-utils >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

step "Starting the sample directory (OpenLDAP on port ${OPENIDM_LDAP_PORT:-1389})"
node dist/scripts/ldap-dev-server.js --background

step "Starting Concord on $SAMPLE (port $PORT)"
if [ -f data/concord.pid ] && kill -0 "$(cat data/concord.pid)" 2>/dev/null; then
  kill "$(cat data/concord.pid)"; sleep 1
fi
nohup ./bin/concord.js -p "$SAMPLE" >data/concord.log 2>&1 &
echo $! >data/concord.pid
for _ in $(seq 1 60); do
  curl -fs "http://localhost:$PORT/openidm/info/ping" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://localhost:$PORT/openidm/info/ping" || { echo "Concord did not start; see data/concord.log"; tail -20 data/concord.log; exit 1; }
echo

AUTH=(-H 'X-OpenIDM-Username: openidm-admin' -H 'X-OpenIDM-Password: openidm-admin')
show() { printf '\n$'; printf ' %q' "$@"; printf '\n'; "$@"; echo; }

step "The LDAP accounts Concord sees (the sample's Example.ldif)"
show curl -s "${AUTH[@]}" "http://localhost:$PORT/openidm/system/ldap/account?_queryFilter=true&_fields=dn,uid,cn,mail"

step "Reconciling LDAP into managed users (mapping systemLdapAccounts_managedUser)"
show curl -s "${AUTH[@]}" -X POST \
  "http://localhost:$PORT/openidm/recon?_action=recon&mapping=systemLdapAccounts_managedUser&waitForCompletion=true"
RECON_ID=$(curl -s "${AUTH[@]}" "http://localhost:$PORT/openidm/recon" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).reconciliations;console.log(r[r.length-1]._id)})')
show curl -s "${AUTH[@]}" "http://localhost:$PORT/openidm/recon/$RECON_ID"

step "The managed users it created"
show curl -s "${AUTH[@]}" "http://localhost:$PORT/openidm/managed/user?_queryFilter=true&_fields=userName,mail,accountStatus"

step "A new managed user: implicit sync writes it to LDAP through managedUser_systemLdapAccounts before the reply; a recon of that mapping then finds it CONFIRMED"
show curl -s "${AUTH[@]}" -H 'Content-Type: application/json' -X PUT "http://localhost:$PORT/openidm/managed/user/fdoe" \
  -d '{"userName":"fdoe","givenName":"Fred","sn":"Doe","mail":"fdoe@example.com","password":"Passw0rd!"}'
show curl -s "${AUTH[@]}" -X POST \
  "http://localhost:$PORT/openidm/recon?_action=recon&mapping=managedUser_systemLdapAccounts&waitForCompletion=true"
show curl -s "${AUTH[@]}" "http://localhost:$PORT/openidm/system/ldap/account?_queryFilter=uid+eq+%22fdoe%22&_fields=dn,uid,cn,mail"

printf '\nConcord is running at http://localhost:%s/openidm (log: %s/data/concord.log).\n' "$PORT" "$ROOT"
printf 'Stop it with: kill $(cat data/concord.pid); stop the directory with: npm run ldap:stop\n'
