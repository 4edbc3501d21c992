#!/usr/bin/env bash
# Peak resident memory of the server under a mix of load: open-data downloads far beyond the download
# limit, public reads, metrics and rankings, on an already generated database (see docs/benchmarks.md "Generated data
# set"; e.g. `DATABASE_URL=postgres://postgres@127.0.0.1/hromada_gen hromada generate`).
#
#   benches/export_memory.sh postgres://postgres@127.0.0.1/hromada_gen [seconds=60] [binary=target/release/hromada]
#
# Starts the server on a free port with the watcher off, runs for `seconds`:
#   - 16 clients downloading /open-data/appeals.csv in a loop (4 stream at once by default; the others
#     get 429 and come back after a second), 2 more downloading appeals.json and transitions.csv;
#   - 8 clients reading petitions, the map of reports, the audit chain head and /metrics;
#   - 2 clients reading the year's metrics, indicators and rankings;
# samples the server's resident memory every 0.2 s, and prints the peak (VmHWM, the kernel's own
# high-water mark) with the counts of answers by status (000: a download cut at the end of the run).
set -euo pipefail
database_url=${1:?usage: $0 DATABASE_URL [seconds] [binary]}
seconds=${2:-60}
binary=${3:-target/release/hromada}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

DATABASE_URL=$database_url HROMADA_BIND=127.0.0.1:$port HROMADA_WATCHER__ENABLED=false HROMADA_LOG_LEVEL=warn \
  HROMADA_MAIL_DIR="$work/mail" "$binary" serve >"$work/server.log" 2>&1 &
server=$!
until curl -sf "$base/readyz" >/dev/null; do sleep 0.5; kill -0 $server || { cat "$work/server.log"; exit 1; }; done
echo "server pid $server ready; idle resident memory $(awk '/VmRSS/ {print $2}' /proc/$server/status) kB"
year=$(date +%Y)

client() { # name, then paths to cycle through
  local name=$1; shift
  local end=$((SECONDS + seconds))
  while ((SECONDS < end)); do
    for path in "$@"; do
      ((SECONDS < end)) || break
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time $((end - SECONDS + 1)) "$base$path" || true)
      echo "$code" >>"$work/$name.codes"
      [[ $code == 429 ]] && sleep 1
    done
  done
}

for i in $(seq 16); do client "download-$i" /api/v1/open-data/appeals.csv & done
client download-json /api/v1/open-data/appeals.json &
client download-transitions /api/v1/open-data/transitions.csv &
for i in $(seq 8); do
  client "read-$i" "/api/v1/petitions?page=$i" /api/v1/reports/geojson /api/v1/audit/head /metrics &
done
for i in 1 2; do
  client "metrics-$i" "/api/v1/metrics/appeals?period=$year" "/api/v1/indicators?period=$year" \
    "/api/v1/metrics/rankings?period=$year" &
done

peak=0
end=$((SECONDS + seconds))
while ((SECONDS < end)); do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
  ((rss > peak)) && peak=$rss
  sleep 0.2
done
sleep 2
hwm=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
echo "peak resident memory: sampled $((peak / 1024)) MB, VmHWM $((hwm / 1024)) MB"
for group in download read metrics; do
  echo "$group answers: $(cat "$work"/$group-*.codes | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
done
