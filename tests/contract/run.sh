#!/usr/bin/env bash
# The contract test: schemathesis sends generated requests, valid and invalid, to every operation of the
# served spec as an anonymous caller, a citizen and an administrator, and fails on any 5xx or any answer
# the spec does not describe. See docs/contract.md.
#
#   tests/contract/run.sh [--release]     (needs `st` from tests/contract/requirements.txt on PATH)
#
# CONTRACT_EXAMPLES (default 25) bounds the cases per operation and phase; generation is deterministic.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=debug
[ "${1:-}" = "--release" ] && profile=release
bin="${CARGO_TARGET_DIR:-target}/$profile/hromada"
[ -x "$bin" ] || { echo "build the server first: cargo build ${1:-}" >&2; exit 1; }
examples="${CONTRACT_EXAMPLES:-25}"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/hromada.db?mode=rwc" HROMADA_BIND="127.0.0.1:$port" HROMADA_PUBLIC_URL="$base"
export HROMADA_MAIL_DIR="$work/mail" HROMADA_PHOTOS__DIR="$work/photos" HROMADA_LOG_LEVEL=warn
# Generated traffic comes from one address: the per-address limits would answer 429 to most of it.
export HROMADA_RATE_LIMITS__REGISTER_PER_HOUR=1000000 HROMADA_RATE_LIMITS__LOGIN_PER_MINUTE=1000000
export HROMADA_RATE_LIMITS__PASSWORD_RESET_PER_HOUR=1000000 HROMADA_RATE_LIMITS__SIGN_PER_MINUTE=1000000
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

password="contract password 1"
"$bin" admin create --email admin@contract.example.org --full-name "Admin Adminenko" --password "$password" >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done
curl -fs "$base/readyz" >/dev/null

json() { curl -fsS -H 'content-type: application/json' "$@"; }
login() {
  json -d "{\"email\":\"$1\",\"password\":\"$password\"}" "$base/api/v1/sessions" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# A citizen registers and confirms the address with the link from the verification mail.
json -d "{\"full_name\":\"Olena Citizen\",\"email\":\"citizen@contract.example.org\",\"password\":\"$password\"}" \
  "$base/api/v1/accounts" >/dev/null
for _ in $(seq 1 50); do [ -n "$(ls -A "$work/mail" 2>/dev/null)" ] && break; sleep 0.2; done
link_token="$(python3 - "$work/mail" <<'PY'
import email, pathlib, re, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.eml")):
    for part in email.message_from_bytes(path.read_bytes()).walk():
        if part.get_content_type() == "text/plain":
            found = re.search(r"confirm-email\?token=([A-Za-z0-9_-]+)", part.get_payload(decode=True).decode())
            if found:
                print(found.group(1)); sys.exit()
PY
)"
json -d "{\"token\":\"$link_token\"}" "$base/api/v1/accounts/verify-email" >/dev/null
citizen="$(login citizen@contract.example.org)"
admin="$(login admin@contract.example.org)"

# positive_data_acceptance is left out: the schema cannot say every rule of the law (a name of two
# words, a text of ten characters, a deadline in the past), so valid-looking data is rightly refused.
run() {
  local role="$1"; shift
  echo "== schemathesis as $role"
  # From the scratch folder, so schemathesis leaves nothing in the repository.
  (cd "$work" && st run "$base/openapi.json" --url "$base/api/v1" --checks all --exclude-checks positive_data_acceptance \
    --max-examples "$examples" --generation-deterministic --no-color \
    --request-timeout 20 --suppress-health-check all "$@")
}
status=0
run anonymous || status=1
run citizen -H "Authorization: Bearer $citizen" || status=1
run administrator -H "Authorization: Bearer $admin" || status=1
if [ "$status" -ne 0 ]; then
  echo "== server log (warnings and errors)"; tail -n 50 "$work/server.log"
fi
exit "$status"
