#!/usr/bin/env bash
# What the app's instrumentation costs GET /ping at saturation, measured the plain way: the built
# target app pinned to CPU 0, Debian's wrk on CPU 1 (one thread, 10 keep-alive connections), a
# warm-up, then a measured wrk run with --latency. No test code, no lab code: an independent check
# of `looplab bench` (`npm run bench:ping`).
#
#   npm run bench:wrk                       # 4 rounds of off, default, no-attribution
#   ROUNDS=6 DURATION=10 npm run bench:wrk
#   MODE=together npm run bench:wrk         # every variant at once on CPU 0 (see below)
#   VARIANTS="off default" scripts/bench-wrk.sh /path/to/another/checkout   # its built app
#
# MODE=alone (default): one fresh app per variant and round, the variants back to back in each
# round (rotating order), so each has the core to itself. MODE=together: every variant's app at
# once on CPU 0, one wrk per app at once on CPU 1, so the core's share is split by the scheduler
# and a swing of the VM's speed hits every variant alike. On a shared VM whose speed changes
# by tens of percent from one second to the next, `together` is the one that repeats; it
# exaggerates costs (the apps evict each other from the caches), so its ratios are a floor.
#
# Variants: off (LOOPLAB_INSTRUMENTATION=off: no tracing), default (as shipped), no-attribution
# (the default with LOOPLAB_ATTRIBUTION=off). "CPU" is the app process's CPU time per request,
# every thread (pinned to one core, the GC's and the profiler's threads take from it too).
# "busy" is the app main thread's share of the time on a CPU or waiting for one
# (/proc/<pid>/task/<pid>/schedstat), out of the wall time the VM was not stolen from the app's
# CPU ("steal", /proc/stat): below ~95 % wrk, not the app, set the req/s, and such a round enters
# no ratio. Ratios are medians of per-round ratios (default / off, default / no-attribution) over
# the rounds where both variants were saturated; "cap" is the ratio by CPU per request.
set -euo pipefail

ROOT="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-8}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-10}"
VARIANTS="${VARIANTS:-off default no-attribution}"
MODE="${MODE:-alone}"
APP_CPU="${APP_CPU:-0}"
LOAD_CPU="${LOAD_CPU:-1}"
NODE="$ROOT/node_modules/.bin/node"
[ -x "$NODE" ] || NODE="$(command -v node)"

case "$MODE" in alone | together) ;; *) echo "bench-wrk: MODE=$MODE: alone or together" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "bench-wrk: wrk not found: npm run setup -- --for bench" >&2; exit 1; }
[ -f "$ROOT/target-app/dist/main.js" ] || { echo "bench-wrk: $ROOT/target-app/dist/main.js missing: npm run build" >&2; exit 1; }

variant_env() {
  case "$1" in
    off) echo "LOOPLAB_INSTRUMENTATION=off" ;;
    default) echo "" ;;
    no-attribution) echo "LOOPLAB_ATTRIBUTION=off" ;;
    *) echo "bench-wrk: unknown variant $1 (off, default, no-attribution)" >&2; exit 2 ;;
  esac
}

WORK="$(mktemp -d)"
declare -A PIDS=() PORTS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Nanoseconds the whole process (every thread) spent on a CPU (/proc/<pid>/stat, in clock ticks),
# and the main thread on a CPU or waiting for one (the first two fields of its schedstat).
process_ns() { awk -v tick="$TICK_NS" '{ print ($14 + $15) * tick }' "/proc/$1/stat"; }
thread_ns() { echo "$(process_ns "$1") $(awk '{ print $1 + $2 }' "/proc/$1/task/$1/schedstat")"; }
# Nanoseconds the hypervisor took from the app's CPU (steal, /proc/stat, in clock ticks): on a
# shared VM the thread can be neither running nor waiting while the host runs someone else.
TICK_NS=$((1000000000 / $(getconf CLK_TCK)))
steal_ns() { awk -v cpu="cpu$APP_CPU" -v tick="$TICK_NS" '$1 == cpu { print $9 * tick }' /proc/stat; }
# What a variant's measurement starts and ends with: its CPU times, steal, the wall clock.
snapshot() { echo "$(thread_ns "${PIDS[$1]}") $(steal_ns) $(date +%s%N)"; }

start_app() {
  local log="$WORK/app-$1.log"
  : >"$log"
  # shellcheck disable=SC2046 # the variant's settings are words on purpose
  (cd "$ROOT/target-app" && exec env -i PATH="$PATH" HOST=127.0.0.1 PORT=0 LOG_LEVEL=info \
    $(variant_env "$1") taskset -c "$APP_CPU" "$NODE" --import ./dist/telemetry/register.js \
    dist/main.js >"$log" 2>&1) &
  PIDS[$1]=$!
  for _ in $(seq 200); do
    PORTS[$1]="$(grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2 || true)"
    [ -n "${PORTS[$1]}" ] && return 0
    sleep 0.1
  done
  echo "bench-wrk: the app ($1) did not start:" >&2
  cat "$log" >&2
  exit 1
}

stop_app() {
  kill "${PIDS[$1]}"
  wait "${PIDS[$1]}" 2>/dev/null || true
  unset "PIDS[$1]"
}

load() { taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2s" "${@:3}" "http://127.0.0.1:${PORTS[$1]}/ping"; }

# wrk's latency lines ("    99%  412.00us") in milliseconds.
percentile_ms() {
  awk -v p="$1" '$1 == p {
    v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
    print (unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v) }' "$2"
}

echo "bench-wrk: $ROOT, MODE=$MODE, app on CPU $APP_CPU, wrk -t1 -c$CONNECTIONS on CPU $LOAD_CPU, ${WARMUP} s warm-up + ${DURATION} s, $ROUNDS rounds"
echo "bench-wrk: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), node $("$NODE" --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$WORK/results"
read -r -a NAMES <<<"$VARIANTS"
# One line of results from a variant's wrk output and its two snapshots.
record() {
  local round=$1 variant=$2 wrk_txt=$3 before=$4 after=$5
  local rps p50 p99 errors requests cpu_us busy steal
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$wrk_txt")"
  p50="$(percentile_ms 50% "$wrk_txt")"
  p99="$(percentile_ms 99% "$wrk_txt")"
  errors="$(grep -E 'Socket errors|Non-2xx' "$wrk_txt" | tr -s ' ' | tr '\n' ' ' || true)"
  requests="$(awk '/requests in/ { print $1 }' "$wrk_txt")"
  read -r cpu_us busy steal < <(echo "$before $after $requests" | awk '{ wall = $8 - $4; stolen = $7 - $3
    printf "%.1f %.0f %.0f\n", ($5 - $1) / $9 / 1000, ($6 - $2) / (wall - stolen) * 100, stolen / wall * 100 }')
  echo "$round $variant $rps $p50 $p99 $busy $cpu_us" >>"$RESULTS"
  printf 'round %s  %-15s %8.0f req/s  p50 %5.2f ms  p99 %5.2f ms  CPU %5.1f µs/req  busy %3s %%  steal %2s %%  load %s %s\n' \
    "$round" "$variant" "$rps" "$p50" "$p99" "$cpu_us" "$busy" "$steal" "$(cut -d' ' -f1 /proc/loadavg)" "$errors"
}

round_alone() {
  local round=$1 shift_by=$((($1 - 1) % ${#NAMES[@]})) variant before after
  for i in $(seq 0 $((${#NAMES[@]} - 1))); do
    variant="${NAMES[$(((i + shift_by) % ${#NAMES[@]}))]}"
    start_app "$variant"
    load "$variant" "$WARMUP" >/dev/null
    before="$(snapshot "$variant")"
    load "$variant" "$DURATION" --latency >"$WORK/wrk-$variant.txt"
    after="$(snapshot "$variant")"
    stop_app "$variant"
    record "$round" "$variant" "$WORK/wrk-$variant.txt" "$before" "$after"
  done
}

round_together() {
  local round=$1 variant loads=()
  declare -A before=() after=()
  for variant in "${NAMES[@]}"; do start_app "$variant"; done
  # `wait` on the wrk runs only: the apps are this shell's background jobs too.
  for variant in "${NAMES[@]}"; do load "$variant" "$WARMUP" >/dev/null & loads+=($!); done
  wait "${loads[@]}"
  loads=()
  for variant in "${NAMES[@]}"; do before[$variant]="$(snapshot "$variant")"; done
  for variant in "${NAMES[@]}"; do
    load "$variant" "$DURATION" --latency >"$WORK/wrk-$variant.txt" &
    loads+=($!)
  done
  wait "${loads[@]}"
  for variant in "${NAMES[@]}"; do after[$variant]="$(snapshot "$variant")"; done
  for variant in "${NAMES[@]}"; do
    stop_app "$variant"
    record "$round" "$variant" "$WORK/wrk-$variant.txt" "${before[$variant]}" "${after[$variant]}"
  done
}

for variant in "${NAMES[@]}"; do variant_env "$variant" >/dev/null; done
for round in $(seq "$ROUNDS"); do "round_$MODE" "$round"; done

echo
echo "medians over $ROUNDS rounds (ratios: medians of per-round ratios over the rounds where both were saturated, busy >= 95 %), load average $(cut -d' ' -f1-3 /proc/loadavg):"
awk -v names="$VARIANTS" '
  function median(list, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && list[j - 1] > list[j]; j--) { t = list[j]; list[j] = list[j - 1]; list[j - 1] = t }
    return n % 2 ? list[(n + 1) / 2] : (list[n / 2] + list[n / 2 + 1]) / 2
  }
  function both_saturated(r, x, y) { return busy[r, x] >= 95 && busy[r, y] >= 95 }
  { rps[$1, $2] = $3; p50[$1, $2] = $4; p99[$1, $2] = $5; busy[$1, $2] = $6; cpu[$1, $2] = $7; if ($1 > rounds) rounds = $1 }
  END {
    n = split(names, variant, " ")
    printf "  %-15s %9s %8s %8s %11s %6s %10s %8s %10s %10s\n", "variant", "req/s", "p50 ms", "p99 ms", "CPU us/req", "busy", "saturated", "x off", "p99 x off", "cap x off"
    for (v = 1; v <= n; v++) {
      name = variant[v]
      saturated = 0
      paired = 0
      for (r = 1; r <= rounds; r++) { a[r] = rps[r, name]; b[r] = p50[r, name]; c[r] = p99[r, name]; d[r] = busy[r, name]; k[r] = cpu[r, name]; saturated += d[r] >= 95
        if ((r, "off") in rps && both_saturated(r, name, "off")) { paired++; e[paired] = rps[r, name] / rps[r, "off"]; f[paired] = p99[r, name] / p99[r, "off"]; m[paired] = cpu[r, "off"] / cpu[r, name] } }
      has_off = paired > 0 && name != "off"
      printf "  %-15s %9.0f %8.2f %8.2f %11.1f %5.0f%% %10s %8s %10s %10s\n", name, median(a, rounds), median(b, rounds), median(c, rounds), median(k, rounds), median(d, rounds), saturated "/" rounds,
        has_off ? sprintf("%.3fx", median(e, paired)) : "-", has_off ? sprintf("%.2fx", median(f, paired)) : "-", has_off ? sprintf("%.3fx", median(m, paired)) : "-"
    }
    if ((1, "default") in rps && (1, "no-attribution") in rps) {
      paired = 0
      for (r = 1; r <= rounds; r++) if (both_saturated(r, "default", "no-attribution")) { paired++; g[paired] = rps[r, "default"] / rps[r, "no-attribution"]; h[paired] = p99[r, "default"] - p99[r, "no-attribution"]; q[paired] = cpu[r, "no-attribution"] / cpu[r, "default"] }
      if (paired > 0) printf "  attribution on (default) / off (no-attribution): %.3fx req/s, %.3fx capacity (CPU per request), p99 %+.2f ms (%d paired rounds)\n", median(g, paired), median(q, paired), median(h, paired), paired
      else print "  attribution on / off: no round with both saturated"
    }
  }' "$RESULTS"
