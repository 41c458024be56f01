#!/usr/bin/env bash
# Mirrored-volume benchmark (ISSUE3 "bench/"): doppel 2-way mirrored on loopback against doppel
# unmirrored, with the same NBD clients, and the resync rate of a volume with 10 % dirty.
#
# Four doppel processes on 127.0.0.1, each with its own data dir under one directory:
#   single   one node, one SIZE_MIB volume (unmirrored)
#   pair     two more unmirrored single nodes; both are written at once with the same file: the
#            physical bound of a replicated write on one machine (same bytes written twice, one
#            disk, two cores; see shared/design/PERFORMANCE.md)
#   mirror   nodes a (primary, serves NBD) and b (backup), volume nodes = ["a","b"]
# Part 1, throughput, clients:
#   write    nbdcopy SRC nbd://...
#   convert  qemu-img convert -n -f raw -O raw SRC nbd://...
#   one warm-up per target, then RUNS rounds alternating single, mirror, pair (A B C A B C ...).
#   Reported: medians, and the median over rounds of mirror time / single time and
#   mirror time / pair time. Bar (ISSUE3): mirrored >= 0.7x unmirrored throughput, i.e. time
#   ratio <= 1/0.7 = 1.43.
# Part 2, resync, RUNS cycles: with the mirror IN_SYNC, SIGKILL the backup, write 10 % of the
#   volume through the primary (10 contiguous chunks spread over the volume, qemu-io write -P),
#   restart the backup, poll the primary's /status every 50 ms until the replica is IN_SYNC.
#   Reported: restart -> IN_SYNC, backup ready (/healthz) -> IN_SYNC, resyncBytesCopied delta,
#   MiB/s, and a byte comparison of the two images afterwards.
# Writes bench/results/mirror-DATE.md.
#
# Usage: bench/run-mirror-bench.sh     (env: SIZE_MIB=1024 RUNS=3 BENCH_DIR=/var/tmp
#   OPS="write convert"  PARTS="throughput resync"  DOPPEL_JAVA_OPTS=... REGION_BYTES=1M
#   DOPPEL_JAR_DIR=server/target)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
REGION_BYTES=${REGION_BYTES:-1M}
read -r -a ops <<< "${OPS:-write convert}"
read -r -a parts <<< "${PARTS:-throughput resync}"
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/doppel-mirror-bench.XXXXXX")
declare -A pid=()

cleanup() {
  local n
  for n in "${!pid[@]}"; do kill "${pid[$n]}" 2>/dev/null || true; done
  for n in "${!pid[@]}"; do wait "${pid[$n]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

log() { printf '%s\n' "$*" >&2; }
has() { local p; for p in "${@:2}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

# ---- tools ----
need=()
command -v nbdcopy >/dev/null && command -v nbdinfo >/dev/null || need+=(libnbd-bin)
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null || need+=(qemu-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} ..."
  apt-get install -y -q "${need[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${need[@]}" >&2; }
fi
JAVA_HOME=$("$root/bin/find-jdk")
java="$JAVA_HOME/bin/java"

# ---- doppel jar: a private copy, so a rebuild by someone else cannot change it mid-run ----
# DOPPEL_JAR_DIR: a directory holding doppel.jar and lib/ (default server/target)
jar_dir=${DOPPEL_JAR_DIR:-$root/server/target}
if [ ! -f "$jar_dir/doppel.jar" ]; then
  log "building doppel ..."
  (cd "$root" && bin/mvn -q -B -DskipTests -Dspotless.skip=true -pl server -am package) >&2
fi
mkdir -p "$work/jar"
cp -r "$jar_dir/doppel.jar" "$jar_dir/lib" "$work/jar/"
jvm_opts=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g)
read -r -a extra_opts <<< "${DOPPEL_JAVA_OPTS:-}"
doppel_version=$("$java" "${jvm_opts[@]}" -jar "$work/jar/doppel.jar" --version 2>/dev/null | head -1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- configs ----
declare -A nbd_port admin_port
for n in single p1 p2 a b; do
  nbd_port[$n]=$(free_port)
  admin_port[$n]=$(free_port)
done
rep_a=$(free_port)
rep_b=$(free_port)

write_config() { # node-name [replication-bind]
  local n=$1 bind=${2:-}
  mkdir -p "$work/$n"
  {
    cat <<TOML
[node]
name = "$n"
data_dir = "data"
[nfs]
bind = "127.0.0.1"
port = 0
udp = false
portmap = "off"
[admin]
bind = "127.0.0.1"
port = ${admin_port[$n]}
[[exports]]
path = "/unused"
id = 1
  [[exports.clients]]
  match = "127.0.0.1"
[nbd]
bind = "127.0.0.1"
port = ${nbd_port[$n]}
${NBD_WORKERS:+workers = $NBD_WORKERS}
TOML
    if [ -n "$bind" ]; then
      cat <<TOML
[replication]
bind = "$bind"
region_bytes = "$REGION_BYTES"
ack_timeout_ms = 1000
peers = { a = "127.0.0.1:$rep_a", b = "127.0.0.1:$rep_b" }
TOML
    fi
    cat <<TOML
[[volumes]]
name = "vol"
size = "${SIZE_MIB}M"
TOML
    if [ -n "$bind" ]; then
      echo 'nodes = ["a", "b"]'
      echo 'role = "'"$([ "$n" = a ] && echo primary || echo backup)"'"'
    fi
  } > "$work/$n/doppel.toml"
}
write_config single
write_config p1
write_config p2
write_config a "127.0.0.1:$rep_a"
write_config b "127.0.0.1:$rep_b"

start_node() { # name
  local n=$1
  (cd "$work/$n" && exec "$java" "${jvm_opts[@]}" ${extra_opts[@]+"${extra_opts[@]}"} -jar "$work/jar/doppel.jar" serve --config doppel.toml) \
    >> "$work/$n.log" 2>&1 &
  pid[$n]=$!
}

wait_http() { # name path
  local i
  for i in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:${admin_port[$1]}$2" 2>/dev/null; then return 0; fi
    kill -0 "${pid[$1]}" 2>/dev/null || { log "node $1 exited:"; tail -20 "$work/$1.log" >&2; return 1; }
    sleep 0.1
  done
  log "node $1 not ready"; tail -20 "$work/$1.log" >&2; return 1
}

status() { curl -fsS "http://127.0.0.1:${admin_port[a]}/status"; }

# Waits until the primary reports its replica IN_SYNC with nothing dirty; prints seconds waited.
wait_in_sync() { # [timeout-s]
  python3 - "${admin_port[a]}" "${1:-300}" <<'PY'
import json, sys, time, urllib.request
port, limit = sys.argv[1], float(sys.argv[2])
t0 = time.monotonic()
last = ""
while time.monotonic() - t0 < limit:
    try:
        last = urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2).read().decode()
        if '"IN_SYNC"' in last:
            print(f"{time.monotonic() - t0:.3f}")
            sys.exit(0)
    except Exception as e:
        last = str(e)
    time.sleep(0.05)
print("never IN_SYNC: " + last, file=sys.stderr)
sys.exit(1)
PY
}

# A number field of the primary's /status (first occurrence).
status_field() { status | grep -o "\"$1\" *: *[0-9]*" | head -1 | grep -o '[0-9]*$'; }

log "starting doppel nodes ..."
for n in single p1 p2 b a; do start_node "$n"; done
for n in single p1 p2 b a; do wait_http "$n" /healthz; done
wait_in_sync 120 > /dev/null
log "initial /status of the primary: $(status)"

declare -A uri=(
  [single]="nbd://127.0.0.1:${nbd_port[single]}/vol"
  [mirror]="nbd://127.0.0.1:${nbd_port[a]}/vol"
  [p1]="nbd://127.0.0.1:${nbd_port[p1]}/vol"
  [p2]="nbd://127.0.0.1:${nbd_port[p2]}/vol"
)
for t in single mirror p1 p2; do nbdinfo --size "${uri[$t]}" >/dev/null; done

src="$work/source.bin"
if has throughput "${parts[@]}"; then
  log "making a ${SIZE_MIB} MiB random source file ..."
  head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$src"
fi

op_cmd() { # op uri
  case "$1" in
    write) echo nbdcopy "$src" "$2" ;;
    convert) echo qemu-img convert -n -f raw -O raw "$src" "$2" ;;
  esac
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
run_cmd() { $1 >/dev/null 2>>"$work/clients.err" || { log "FAILED: $1"; tail -5 "$work/clients.err" >&2; return 1; }; }

time_one() { # op target -> seconds
  local t0 t1 c1 c2 j1 j2
  case "$2" in
    pair) # both unmirrored nodes fed the same file at once; wall time until both finish
      c1=$(op_cmd "$1" "${uri[p1]}")
      c2=$(op_cmd "$1" "${uri[p2]}")
      t0=$(now)
      run_cmd "$c1" & j1=$!
      run_cmd "$c2" & j2=$!
      wait "$j1" || exit 1
      wait "$j2" || exit 1
      t1=$(now) ;;
    *)
      if [ "$2" = mirror ]; then wait_in_sync 120 > /dev/null; fi
      c1=$(op_cmd "$1" "${uri[$2]}")
      t0=$(now)
      run_cmd "$c1" || exit 1
      t1=$(now) ;;
  esac
  elapsed "$t0" "$t1"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib_s() { awk -v t="$1" -v m="$2" 'BEGIN { printf "%.0f", m / t }'; }
ratios() { # times-a times-b -> per-round ratios a/b
  local -a x y
  read -r -a x <<< "$1"
  read -r -a y <<< "$2"
  local i
  for i in "${!x[@]}"; do awk -v p="${x[$i]}" -v q="${y[$i]}" 'BEGIN { printf "%.3f ", p / q }'; done
}

targets=(single mirror pair)
declare -A times
if has throughput "${parts[@]}"; then
  for op in "${ops[@]}"; do
    for t in "${targets[@]}"; do
      log "$op warm-up $t: $(time_one "$op" "$t") s"
    done
    for r in $(seq 1 "$RUNS"); do
      for t in "${targets[@]}"; do
        s=$(time_one "$op" "$t")
        times[$op,$t]+="$s "
        log "$op run $r $t: $s s"
      done
    done
  done
  log "mirror after writes: $(status)"
fi

# ---- part 2: resync of a volume with 10 % dirty ----
chunks=10
chunk_kib=$((SIZE_MIB * 1024 / 100 / 64 * 64)) # 1 % of the volume per chunk, 64 KiB aligned
dirty_bytes_written=$((chunks * chunk_kib * 1024))
resync_rows=()
declare -a rs_total rs_after_ready rs_rate rs_copied
if has resync "${parts[@]}"; then
  for r in $(seq 1 "$RUNS"); do
    wait_in_sync 120 > /dev/null
    copied0=$(status_field resyncBytesCopied)
    log "resync $r: SIGKILL backup (pid ${pid[b]})"
    kill -KILL "${pid[b]}"
    wait "${pid[b]}" 2>/dev/null || true
    unset 'pid[b]'
    qio=(qemu-io -f raw)
    for i in $(seq 0 $((chunks - 1))); do
      # chunk i starts at i/10 of the volume plus an odd offset, so chunks straddle regions
      off=$((i * SIZE_MIB * 1024 * 1024 / chunks + (i * 4096 + r * 65536)))
      qio+=(-c "write -P $(((r * 16 + i) & 0xff)) $off ${chunk_kib}k")
    done
    t0=$(now)
    "${qio[@]}" "${uri[mirror]}" >/dev/null 2>>"$work/clients.err" || { log "qemu-io failed"; tail -5 "$work/clients.err" >&2; exit 1; }
    tw=$(elapsed "$t0" "$(now)")
    dirty=$(status_field dirtyBytes)
    log "resync $r: wrote $dirty_bytes_written bytes degraded in $tw s; primary dirtyBytes=$dirty"
    t0=$(now)
    start_node b
    wait_http b /healthz
    ready=$(elapsed "$t0" "$(now)")
    wait_in_sync 600 > /dev/null
    total=$(elapsed "$t0" "$(now)")
    copied=$(( $(status_field resyncBytesCopied) - copied0 ))
    after=$(awk -v a="$total" -v b="$ready" 'BEGIN { printf "%.3f", a - b }')
    rate=$(awk -v c="$copied" -v t="$total" 'BEGIN { printf "%.0f", c / 1048576 / t }')
    rate2=$(awk -v c="$copied" -v t="$after" 'BEGIN { if (t > 0) printf "%.0f", c / 1048576 / t; else print "n/a" }')
    same=identical
    cmp -s "$work/a/data/volumes/vol.img" "$work/b/data/volumes/vol.img" || same=DIFFERENT
    rs_total+=("$total"); rs_after_ready+=("$after"); rs_copied+=("$copied"); rs_rate+=("$rate")
    resync_rows+=("| $r | $tw | $dirty | $copied ($(awk -v c="$copied" -v v="$((SIZE_MIB * 1048576))" 'BEGIN { printf "%.1f", 100 * c / v }') %) | $total | $ready | $after | $rate | $rate2 | $same |")
    log "resync $r: restart->IN_SYNC $total s (backup ready after $ready s), copied $copied bytes, $rate MiB/s; images $same"
  done
fi

stamp=$(date -u +%Y%m%d-%H%M%S)
out="$root/bench/results/mirror-$stamp.md"
mkdir -p "$root/bench/results"
{
  echo "# Mirrored-volume benchmark: doppel 2-way mirror vs unmirrored ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Command: \`SIZE_MIB=$SIZE_MIB RUNS=$RUNS OPS=\"${ops[*]}\" PARTS=\"${parts[*]}\" bench/run-mirror-bench.sh\`"
  echo
  if has throughput "${parts[@]}"; then
    echo "## Throughput (${SIZE_MIB} MiB per operation)"
    echo
    echo "Medians of $RUNS runs after one warm-up per target, targets alternated per round (single, mirror, pair)."
    echo "*single*: one unmirrored node. *mirror*: 2-way mirror on loopback, written through the primary."
    echo "*pair*: the physical bound: two unmirrored nodes written at once with the same file (wall time until both finish)."
    echo "Ratios are medians over rounds of time ratios; throughput ratio = 1 / time ratio."
    echo "ISSUE3 bar: mirror >= 0.7x unmirrored throughput, i.e. mirror/single time <= 1.43."
    echo
    echo "| operation | single | mirror | pair (bound) | mirror/single time | mirror throughput vs single | mirror/pair time |"
    echo "|---|---|---|---|---|---|---|"
    for op in "${ops[@]}"; do
      s=$(median <<< "${times[$op,single]}")
      m=$(median <<< "${times[$op,mirror]}")
      p=$(median <<< "${times[$op,pair]}")
      rs=$(ratios "${times[$op,mirror]}" "${times[$op,single]}" | median)
      rp=$(ratios "${times[$op,mirror]}" "${times[$op,pair]}" | median)
      tput=$(awk -v r="$rs" 'BEGIN { printf "%.2fx", 1 / r }')
      cmd=$(op_cmd "$op" "nbd://...")
      echo "| $op: \`${cmd//$work\//}\` | ${s} s ($(mib_s "$s" "$SIZE_MIB") MiB/s) | ${m} s ($(mib_s "$m" "$SIZE_MIB") MiB/s) | ${p} s ($(mib_s "$p" "$SIZE_MIB") MiB/s per node) | ${rs} | ${tput} | ${rp} |"
    done
    echo
    echo "Raw times (s):"
    echo
    for op in "${ops[@]}"; do
      for t in "${targets[@]}"; do echo "- $op $t: ${times[$op,$t]}"; done
    done
    echo
  fi
  if has resync "${parts[@]}"; then
    echo "## Resync of a ${SIZE_MIB} MiB volume with 10 % dirty"
    echo
    echo "Each cycle: mirror IN_SYNC; SIGKILL the backup; \`qemu-io -f raw -c 'write -P N OFF ${chunk_kib}k' ...\` $chunks chunks"
    echo "($dirty_bytes_written bytes, spread over the volume, each start shifted off region boundaries) through the primary;"
    echo "restart the backup; poll the primary's /status every 50 ms until the replica is IN_SYNC."
    echo "Copied = delta of the primary's resyncBytesCopied. Rate = copied / time. Region size $REGION_BYTES."
    echo
    echo "| cycle | degraded write (s) | dirtyBytes before restart | copied (of volume) | restart -> IN_SYNC (s) | backup JVM ready (s) | ready -> IN_SYNC (s) | MiB/s (from restart) | MiB/s (from ready) | images after |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${resync_rows[@]}"
    echo
    tm=$(printf '%s ' "${rs_total[@]}" | median)
    am=$(printf '%s ' "${rs_after_ready[@]}" | median)
    cm=$(printf '%s ' "${rs_copied[@]}" | median)
    echo "Median: restart -> IN_SYNC $tm s, ready -> IN_SYNC $am s, copied $cm bytes" \
      "($(awk -v c="$cm" -v t="$tm" 'BEGIN { printf "%.0f", c / 1048576 / t }') MiB/s from restart," \
      "$(awk -v c="$cm" -v t="$am" 'BEGIN { if (t > 0) printf "%.0f", c / 1048576 / t; else print "n/a" }') MiB/s from ready)."
    echo
  fi
  echo "## Setup"
  echo
  echo "- machine: $(nproc) cores, $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr)"
  echo "- disk: $(df -h "$work" | awk 'NR == 2 { print $1 " (" $2 ", " $5 " used)" }'); all nodes' images in $(dirname "$work"); warm page cache (cannot be dropped here)"
  echo "- doppel: $doppel_version, $("$java" -version 2>&1 | head -1), JVM opts ${jvm_opts[*]} ${extra_opts[*]+${extra_opts[*]}}; five processes (single, pair x2, mirror a+b) run throughout; volumes default cache_bytes; mirror: [replication] region_bytes $REGION_BYTES, ack_timeout_ms 1000, a role primary, b role backup"
  echo "- clients: $(nbdcopy --version | head -1), $(qemu-img --version | head -1); default options"
  echo "- git: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet 2>/dev/null || echo ' (work tree has uncommitted changes)')"
} > "$out"
cat "$out"
log "results: $out"
