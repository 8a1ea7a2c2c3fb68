#!/usr/bin/env bash
# make bench-http: the whole server under load, each figure next to its target (issue 12).
# Builds chance into a temp folder, serves the embedded default (demo catalogue) on a
# fresh data folder and a free port, runs `chance loadtest` scenarios against it and
# stops it. BENCH_DURATION, BENCH_CLIENTS, BENCH_CUSTOMERS, BENCH_PREMIERES,
# BENCH_AGED_EVENTS change the work size; BENCH_PORT the port.
set -euo pipefail
GO=${GO:-go}
DURATION=${BENCH_DURATION:-15s}
CLIENTS=${BENCH_CLIENTS:-16}
CUSTOMERS=${BENCH_CUSTOMERS:-200}
PREMIERES=${BENCH_PREMIERES:-300}
AGED=${BENCH_AGED_EVENTS:-8000}
PORT=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}

tmp=$(mktemp -d)
bin=$tmp/chance
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
$GO build -o "$bin" ./cmd/chance

export CHANCE_ADDR=127.0.0.1:$PORT CHANCE_DATA_DIR=$tmp/data CHANCE_DEMO=true \
  CHANCE_JWT_SECRET=bench-http-signing-key-of-at-least-32-bytes \
  CHANCE_TRUSTED_PROXIES=127.0.0.1 CHANCE_REGISTER_BURST=1000000 CHANCE_REGISTER_EVERY=1ms
mkdir -p "$tmp/data"
"$bin" serve 2>"$tmp/server.log" &
server=$!
for _ in $(seq 300); do "$bin" probe >/dev/null 2>&1 && break; sleep 0.1; done
"$bin" probe >/dev/null || { tail -20 "$tmp/server.log"; exit 1; }
url=http://127.0.0.1:$PORT

# An admin publishes premieres: a customer holds a premiere once, so the rents need
# customers × premieres above the rents made.
admin=bench-admin@loadtest.example
curl -sf -o /dev/null -X POST "$url/api/v1/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$admin\",\"password\":\"bench admin password\",\"first_name\":\"A\",\"last_name\":\"B\"}"
"$bin" users grant-role --email "$admin" --role admin >/dev/null

# The server's CPU time (user + system, in clock ticks) from /proc: CPU per operation
# is the honest figure on a shared machine, where operations per second are noisy.
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
load() {
  local scenario=$2 before=0 after ok line
  # Ticks from the timed part's start (after the scenario's sign-ups and top-ups).
  while IFS= read -r line; do
    case $line in "running $scenario "*) before=$(ticks) ;; esac
    printf '%s\n' "$line" | tee -a "$tmp/out"
  done < <("$bin" loadtest --url "$url" --concurrency "$CLIENTS" --duration "$DURATION" --customers "$CUSTOMERS" "$@" 2>&1)
  after=$(ticks)
  # Then wait (up to 3 minutes) for every follower to catch up, so that the CPU of the
  # work a scenario leaves behind (projections, the messages) counts for it, not for
  # the next one.
  local drained=$SECONDS lag
  while lag=$(curl -sf "$url/metrics" | awk '/_lag_positions\{/ { if ($2 > m) m = $2 } END { print m + 0 }') && [ "${lag:-1}" != 0 ] && [ $((SECONDS - drained)) -lt 180 ]; do sleep 0.5; done
  local caught=$(ticks) drain_s=$((SECONDS - drained))
  ok=$(grep "^RESULT scenario=$scenario op=$scenario " "$tmp/out" | tail -1 | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
  # cpu_ms_per_op: the timed part; with_catch_up_ms: until every follower caught up.
  awk -v t=$((after - before)) -v c=$((caught - before)) -v hz="$hz" -v n="${ok:-0}" -v s="$scenario" -v b="$before" -v d="$drain_s" -v lag="$lag" \
    'BEGIN { if (n > 0 && b > 0) printf "CPU scenario=%s ops=%d server_cpu_s=%.2f cpu_ms_per_op=%.3f catch_up_s=%d lag_left=%d with_catch_up_ms=%.3f\n", s, n, t / hz, 1000 * t / hz / n, d, lag, 1000 * c / hz / n }' | tee -a "$tmp/out"
  echo
}
echo "== machine: $(nproc) cores, $(uname -sr), load average $(cut -d" " -f1-3 /proc/loadavg) (other work makes figures noisy); load generator on the same machine; work: $CLIENTS clients × $DURATION per scenario"
load --scenario rent --premieres "$PREMIERES" --admin-email "$admin" --admin-password "bench admin password"
load --scenario fill --customers 64
load --scenario premiere --customers 16
"$bin" loadtest --url "$url" --scenario aged --aged-events "$AGED" --duration "$DURATION" | tee -a "$tmp/out"
echo

field() { grep "^RESULT scenario=$1 op=$2 " "$tmp/out" | tail -1 | sed -n "s/.* $3=\([0-9.]*\).*/\1/p"; }
verdict() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { if ((op == ">=" && a >= b) || (op == "<=" && a <= b)) print "met"; else print "NOT met" }'; }
rents=$(field rent rent per_s); rp99=$(field rent rent p99_ms); fills=$(field fill fill per_s); gets=$(field premiere premiere per_s)
ratio=$(sed -n 's/^RESULT scenario=aged ratio_p50=\([0-9.]*\)/\1/p' "$tmp/out" | tail -1)
printf '%-58s %16s   %-12s %s\n' "What ($CLIENTS clients, $DURATION each; aged: 1 client)" Measured Target ""
printf '%-58s %16s   %-12s %s\n' "POST /rent/ (projections, notifications, scheduler on)" "$rents/s" "≥ 2,000/s" "$(verdict "$rents" 2000 '>=')"
printf '%-58s %16s   %-12s %s\n' "  its p99" "${rp99} ms" "≤ 25 ms" "$(verdict "$rp99" 25 '<=')"
printf '%-58s %16s   %-12s %s\n' "POST /billing/fill" "$fills/s" "≥ 4,000/s" "$(verdict "$fills" 4000 '>=')"
printf '%-58s %16s   %-12s %s\n' "GET /premiere/:id (the HTTP ceiling, for scale)" "$gets/s" "—" ""
cpu() { grep "^CPU scenario=$1 " "$tmp/out" | tail -1 | sed -n "s/.* $2=\([0-9.]*\).*/\1/p"; }
printf '%-58s %16s   %-12s %s\n' "  server CPU per rent: timed part, and with followers' catch-up" "$(cpu rent cpu_ms_per_op) / $(cpu rent with_catch_up_ms) ms" "" ""
printf '%-58s %16s   %-12s %s\n' "  server CPU per fill: timed part, and with followers' catch-up" "$(cpu fill cpu_ms_per_op) / $(cpu fill with_catch_up_ms) ms" "" ""
printf '%-58s %16s   %-12s %s\n' "one fill after $AGED events vs on a new account (p50)" "${ratio}×" "≤ 1.3×" "$(verdict "$ratio" 1.3 '<=')"
