#!/usr/bin/env bash
# Block-face benchmark: doppel's NBD server (single node, unmirrored; read cache on and off) against
# nbdkit's file plugin, on the same disk, with the same clients:
#   write    nbdcopy SRC nbd://...             (1 GiB in)
#   convert  qemu-img convert -n -f raw -O raw SRC nbd://...   (1 GiB in)
#   read     nbdcopy nbd://... null:           (1 GiB out)
# Each operation: one warm-up per server, then RUNS rounds alternating the servers (A B C A B C ...).
# Reported: median seconds per server, and the median over rounds of doppel time / nbdkit time
# (<= 1.0 means doppel is at least as fast). Writes a markdown table to bench/results/nbd-DATE.md.
#
# Usage: bench/run-nbd-bench.sh            (env: SIZE_MIB=1024 RUNS=3 BENCH_DIR=/var/tmp/...)
#   OPS="write read"   run only some operations (default: write convert read)
#   DOPPEL_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/nbd.jfr"   extra JVM options for doppel
# Installs nbdkit, libnbd-bin and qemu-utils with apt-get when missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
read -r -a ops <<< "${OPS:-write convert read}"
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/doppel-nbd-bench.XXXXXX")
pids=()

cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

log() { printf '%s\n' "$*" >&2; }

# ---- tools ----
need=()
command -v nbdkit >/dev/null || need+=(nbdkit)
command -v nbdcopy >/dev/null && command -v nbdinfo >/dev/null || need+=(libnbd-bin)
command -v qemu-img >/dev/null || need+=(qemu-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} ..."
  apt-get install -y -q "${need[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${need[@]}" >&2; }
fi
JAVA_HOME=$("$root/bin/find-jdk")
java="$JAVA_HOME/bin/java"

# ---- doppel jar: a private copy, so a rebuild by someone else cannot change it mid-run ----
if [ ! -f "$root/server/target/doppel.jar" ]; then
  log "building doppel ..."
  (cd "$root" && bin/mvn -q -B -DskipTests -Dspotless.skip=true -pl server -am package) >&2
fi
mkdir -p "$work/jar"
cp -r "$root/server/target/doppel.jar" "$root/server/target/lib" "$work/jar/"
jvm_opts=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g)
read -r -a extra_opts <<< "${DOPPEL_JAVA_OPTS:-}"
doppel_version=$("$java" "${jvm_opts[@]}" -jar "$work/jar/doppel.jar" --version 2>/dev/null | head -1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_nbd() { # uri pid
  local i
  for i in $(seq 1 300); do
    if nbdinfo --size "$1" >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || { log "server for $1 exited"; return 1; }
    sleep 0.2
  done
  log "server for $1 not ready"; return 1
}

# ---- doppel: one node, two 1 GiB volumes (cache default 64 MiB / no cache) ----
dport=$(free_port)
mkdir -p "$work/doppel"
cat > "$work/doppel/doppel.toml" <<TOML
[node]
name = "bench"
data_dir = "data"
[nfs]
bind = "127.0.0.1"
port = 0
udp = false
portmap = "off"
[admin]
port = -1
[[exports]]
path = "/unused"
id = 1
  [[exports.clients]]
  match = "127.0.0.1"
[nbd]
bind = "127.0.0.1"
port = $dport
[[volumes]]
name = "cached"
size = "${SIZE_MIB}M"
[[volumes]]
name = "nocache"
size = "${SIZE_MIB}M"
cache_bytes = 0
TOML
(cd "$work/doppel" && exec "$java" "${jvm_opts[@]}" ${extra_opts[@]+"${extra_opts[@]}"} -jar "$work/jar/doppel.jar" serve --config doppel.toml) \
  > "$work/doppel.log" 2>&1 &
pids+=($!)
wait_nbd "nbd://127.0.0.1:$dport/cached" "${pids[-1]}"

# ---- nbdkit: file plugin on a sparse 1 GiB image in the same directory tree ----
kport=$(free_port)
truncate -s "${SIZE_MIB}M" "$work/nbdkit.img"
nbdkit -f -i 127.0.0.1 -p "$kport" -P "$work/nbdkit.pid" -e bench file "$work/nbdkit.img" \
  > "$work/nbdkit.log" 2>&1 &
pids+=($!)
wait_nbd "nbd://127.0.0.1:$kport/bench" "${pids[-1]}"

declare -A uri=(
  [doppel-cache]="nbd://127.0.0.1:$dport/cached"
  [doppel-nocache]="nbd://127.0.0.1:$dport/nocache"
  [nbdkit]="nbd://127.0.0.1:$kport/bench"
)
servers=(doppel-cache doppel-nocache nbdkit)

log "making a ${SIZE_MIB} MiB random source file ..."
src="$work/source.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$src"

op_cmd() { # op server
  case "$1" in
    write) echo nbdcopy "$src" "${uri[$2]}" ;;
    convert) echo qemu-img convert -n -f raw -O raw "$src" "${uri[$2]}" ;;
    read) echo nbdcopy "${uri[$2]}" null: ;;
  esac
}

time_one() { # op server -> seconds
  local cmd t0 t1
  cmd=$(op_cmd "$1" "$2")
  t0=$(date +%s.%N)
  $cmd >/dev/null 2>>"$work/clients.err" || { log "FAILED: $cmd"; tail -5 "$work/clients.err" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A times
for op in "${ops[@]}"; do
  for s in "${servers[@]}"; do
    log "$op warm-up $s: $(time_one "$op" "$s") s"
  done
  for r in $(seq 1 "$RUNS"); do
    for s in "${servers[@]}"; do
      t=$(time_one "$op" "$s")
      times[$op,$s]+="$t "
      log "$op run $r $s: $t s"
    done
  done
done

mib_s() { awk -v t="$1" -v m="$SIZE_MIB" 'BEGIN { printf "%.0f", m / t }'; }
ratios() { # op server -> per-round ratios server/nbdkit
  local -a a b
  read -r -a a <<< "${times[$1,$2]}"
  read -r -a b <<< "${times[$1,nbdkit]}"
  local i
  for i in "${!a[@]}"; do awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { printf "%.3f ", x / y }'; done
}

stamp=$(date -u +%Y%m%d-%H%M%S)
out="$root/bench/results/nbd-$stamp.md"
mkdir -p "$root/bench/results"
{
  echo "# NBD benchmark: doppel vs nbdkit ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Command: \`SIZE_MIB=$SIZE_MIB RUNS=$RUNS OPS=\"${ops[*]}\" bench/run-nbd-bench.sh\`"
  echo
  echo "Each cell: median of $RUNS runs after one warm-up, servers alternated per round."
  echo "Ratio = median over rounds of (doppel time / nbdkit time); the bar is <= 1.00."
  echo
  echo "| operation (${SIZE_MIB} MiB) | nbdkit file | doppel cache on | doppel cache off | ratio cache on | ratio cache off |"
  echo "|---|---|---|---|---|---|"
  for op in "${ops[@]}"; do
    k=$(median <<< "${times[$op,nbdkit]}")
    d1=$(median <<< "${times[$op,doppel-cache]}")
    d0=$(median <<< "${times[$op,doppel-nocache]}")
    r1=$(ratios "$op" doppel-cache | median)
    r0=$(ratios "$op" doppel-nocache | median)
    echo "| $op: \`$(op_cmd "$op" nbdkit | sed "s|$work/||; s|nbd://127.0.0.1:$kport/bench|nbd://...|")\` | ${k} s ($(mib_s "$k") MiB/s) | ${d1} s ($(mib_s "$d1") MiB/s) | ${d0} s ($(mib_s "$d0") MiB/s) | ${r1} | ${r0} |"
  done
  echo
  echo "Raw times (s):"
  echo
  for op in "${ops[@]}"; do
    for s in "${servers[@]}"; do echo "- $op $s: ${times[$op,$s]}"; done
  done
  echo
  echo "## Setup"
  echo
  echo "- machine: $(nproc) cores, $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr)"
  echo "- disk: $(df -h "$work" | awk 'NR == 2 { print $1 " (" $2 ", " $5 " used)" }'); both servers' images in $(dirname "$work")"
  echo "- doppel: $doppel_version, $("$java" -version 2>&1 | head -1), JVM opts ${jvm_opts[*]} ${extra_opts[*]+${extra_opts[*]}}; one node, unmirrored, [nbd] workers 8, max_request_bytes 32 MiB; volumes are sparse image files"
  echo "- nbdkit: $(nbdkit --version | head -1), \`nbdkit -f -i 127.0.0.1 -p PORT -P PIDFILE -e bench file IMG\` (default threads)"
  echo "- clients: $(nbdcopy --version | head -1), $(qemu-img --version | head -1); default options (nbdcopy uses multi-conn when the server advertises it; both do)"
  echo "- git: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet 2>/dev/null || echo ' (work tree has uncommitted changes)')"
} > "$out"
cat "$out"
log "results: $out"
