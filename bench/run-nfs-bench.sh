#!/usr/bin/env bash
# Side-by-side NFSv3 benchmark: doppel vs nfs-ganesha (VFS FSAL) on loopback, same disk, same
# clients (libnfs nfs-cp/nfs-ls and the Java NFSv3 driver in bench/src), alternating A B per
# workload, one warm-up round then --runs measured rounds; reports medians and the median of the
# per-round doppel/ganesha time ratios. See /work/shared/design/PERFORMANCE.md.
#
# Usage: bench/run-nfs-bench.sh [--only ganesha|doppel] [--runs N] [--size-mib N] [--files N]
#                               [--window N] [--workdir DIR] [--keep] [--workloads "write ls ..."]
# Extra JVM options for doppel (e.g. -XX:StartFlightRecording=filename=/tmp/d.jfr) come from the
# environment variable DOPPEL_JAVA_OPTS (split on spaces).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ONLY=""
RUNS=3
SIZE_MIB=1024
FILES=10000
WINDOW=32
SMALL_BYTES=1024
WORKBASE=/var/tmp
KEEP=0
ONLY_WORKLOADS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    --files) FILES="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --workdir) WORKBASE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --workloads) ONLY_WORKLOADS="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|ganesha|doppel) ;; *) echo "--only must be ganesha or doppel" >&2; exit 2 ;; esac
SYSTEMS=()
[ "$ONLY" != doppel ] && SYSTEMS+=(ganesha)
[ "$ONLY" != ganesha ] && SYSTEMS+=(doppel)

for tool in nfs-cp nfs-ls ganesha.nfsd rpcbind ss timeout; do
  command -v "$tool" >/dev/null || { echo "missing program: $tool" >&2; exit 2; }
done
JDK=$("$ROOT/bin/find-jdk")
WORK=$(mktemp -d "$WORKBASE/doppel-nfs-bench.XXXXXX")
LOGDIR="$WORK/logs"
mkdir -p "$LOGDIR" "$ROOT/bench/results"
STARTED_PIDS=()

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

stop_pid() { # $1 pid: SIGTERM, wait up to 20 s, then SIGKILL; always reap
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED_PIDS[$i]}"; done
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { ss -Hltn "sport = :$1" | grep -q .; }

free_port() { # a TCP port not listening now, outside the ephemeral range
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 10000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2; return 1
}

wait_ls() { # $1 url $2 name $3 pid: poll until nfs-ls answers (60 s)
  local i
  for ((i = 0; i < 240; i++)); do
    kill -0 "$3" 2>/dev/null || { echo "$2 exited during start-up; log tail:" >&2; tail -30 "$LOGDIR/$2.log" >&2; return 1; }
    timeout 5 nfs-ls "$1" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "$2 did not serve within 60 s; log tail:" >&2; tail -30 "$LOGDIR/$2.log" >&2; return 1
}

# ---------- compile the Java driver ----------
log "compiling Java NFSv3 driver with $JDK"
CLASSES="$WORK/classes"
"$JDK/bin/javac" -Xlint:all,-serial -Werror --release 21 -d "$CLASSES" \
  "$ROOT"/it/src/test/java/io/doppel/it/client/*.java "$ROOT"/bench/src/io/doppel/bench/*.java
# A private copy of the jar and lib/: other engineers may rebuild server/target during the run.
read -r -a EXTRA_OPTS <<<"${DOPPEL_JAVA_OPTS:-}"
DOPPEL_JAVA=("$JDK/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -jar "$WORK/doppel/doppel.jar")
if [ "$ONLY" != ganesha ]; then
  for ((i = 0; i < 20; i++)); do
    rm -rf "$WORK/doppel"; mkdir -p "$WORK/doppel"
    cp "$ROOT/server/target/doppel.jar" "$WORK/doppel/" 2>/dev/null \
      && cp -r "$ROOT/server/target/lib" "$WORK/doppel/" 2>/dev/null \
      && timeout 60 "${DOPPEL_JAVA[@]}" --version >/dev/null 2>&1 && break
    sleep 3
  done
  timeout 60 "${DOPPEL_JAVA[@]}" --version >/dev/null 2>&1 || { echo "no working doppel jar in server/target" >&2; exit 1; }
fi
driver() { timeout 600 "$JDK/bin/java" -Xmx512m -cp "$CLASSES" io.doppel.bench.NfsBenchDriver "$@"; }

# ---------- servers ----------
declare -A NFSPORT MNTPORT EXPPATH PID
start_ganesha() {
  if ! port_in_use 111; then
    log "starting rpcbind (port 111 free)"
    rpcbind -f -w >"$LOGDIR/rpcbind.log" 2>&1 &
    STARTED_PIDS+=($!)
    local i
    for ((i = 0; i < 100; i++)); do port_in_use 111 && break; sleep 0.1; done
    port_in_use 111 || { echo "rpcbind did not listen on 111" >&2; return 1; }
  else
    log "port 111 already served; using that portmapper"
  fi
  local dir="$WORK/ganesha-export" n m
  mkdir -p "$dir" "$WORK/ganesha-state"
  n=$(free_port); m=$(free_port)
  while [ "$m" = "$n" ]; do m=$(free_port); done
  cat >"$WORK/ganesha.conf" <<EOF
NFS_CORE_PARAM {
  Bind_addr = 127.0.0.1;
  NFS_Port = $n;
  MNT_Port = $m;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Protocols = 3, 4;
}
NFSV4 { Graceless = true; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
  Export_Id = 77;
  Path = $dir;
  Pseudo = /bench;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 3;
  Transports = TCP;
  Attr_Expiration_Time = 0;
  FSAL { Name = VFS; }
}
EOF
  ganesha.nfsd -F -f "$WORK/ganesha.conf" -L "$LOGDIR/ganesha.log" -p "$WORK/ganesha.pid" \
    -N NIV_EVENT >"$LOGDIR/ganesha.out" 2>&1 &
  PID[ganesha]=$!
  STARTED_PIDS+=("${PID[ganesha]}")
  NFSPORT[ganesha]=$n; MNTPORT[ganesha]=$m; EXPPATH[ganesha]=$dir
  wait_ls "$(url ganesha '')" ganesha "${PID[ganesha]}"
  log "ganesha pid=${PID[ganesha]} nfs=$n mount=$m export=$dir"
}

start_doppel() {
  local n a
  n=$(free_port); a=$(free_port)
  while [ "$a" = "$n" ]; do a=$(free_port); done
  cat >"$WORK/doppel.toml" <<EOF
[node]
name = "bench"
data_dir = "$WORK/doppel-data"

[nfs]
bind = "127.0.0.1"
port = $n
udp = false
portmap = "off"

[admin]
bind = "127.0.0.1"
port = $a

EOF
  # doppel answers MNT only for export roots (no sub-directory mounts yet), and nfs-ls mounts the
  # directory it lists: each round's small-file directory is therefore its own export.
  local id=1 e
  for e in bench $(small_names); do
    printf '[[exports]]\npath = "/%s"\nid = %d\n  [[exports.clients]]\n  match = "127.0.0.0/8"\n  access = "rw"\n  squash = "none"\n\n' "$e" "$id" >>"$WORK/doppel.toml"
    id=$((id + 1))
  done
  # The jar directly, not bin/doppel: the launcher rebuilds when sources are newer, and a
  # benchmark must not build. Same JVM options as bin/doppel.
  "${DOPPEL_JAVA[@]:0:3}" ${EXTRA_OPTS[@]+"${EXTRA_OPTS[@]}"} "${DOPPEL_JAVA[@]:3}" serve --config "$WORK/doppel.toml" >"$LOGDIR/doppel.log" 2>&1 &
  PID[doppel]=$!
  STARTED_PIDS+=("${PID[doppel]}")
  NFSPORT[doppel]=$n; MNTPORT[doppel]=$n; EXPPATH[doppel]=/bench
  wait_ls "$(url doppel '')" doppel "${PID[doppel]}"
  log "doppel pid=${PID[doppel]} nfs=$n admin=$a data=$WORK/doppel-data"
}

small_names() { echo small-warmup; for r in $(seq 1 "$RUNS"); do echo "small-$r"; done; }

# Where round $2's small files live on system $1: "EXPORT DIR URL" (DIR "-" = the export root).
small_target() {
  if [ "$1" = doppel ]; then
    echo "/small-$2 - nfs://127.0.0.1/small-$2/?nfsport=${NFSPORT[$1]}&mountport=${MNTPORT[$1]}&version=3"
  else
    echo "${EXPPATH[$1]} small-$2 $(url "$1" "small-$2")"
  fi
}

url() { # $1 system $2 path inside the export
  echo "nfs://127.0.0.1${EXPPATH[$1]}/$2?nfsport=${NFSPORT[$1]}&mountport=${MNTPORT[$1]}&version=3"
}
dargs() { echo 127.0.0.1 "${NFSPORT[$1]}" "${MNTPORT[$1]}" "${EXPPATH[$1]}"; }

# ---------- workloads (each prints seconds) ----------
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }

w_write() { # $1 sys $2 round
  local t0 t1
  t0=$(now)
  timeout 600 nfs-cp "$WORK/src.bin" "$(url "$1" "big-$2.bin")" >>"$LOGDIR/client.log" 2>&1 \
    || { echo "nfs-cp write to $1 failed" >&2; return 1; }
  t1=$(now); elapsed "$t0" "$t1"
}
w_read() { # warm-up: nfs-cp to a local file and compare; measured rounds: nfs-cat to /dev/null
  local t0 t1 src
  src=$(url "$1" "big-$2.bin")
  t0=$(now)
  if [ "$2" = warmup ]; then
    timeout 600 nfs-cp "$src" "$WORK/check-$1.bin" >>"$LOGDIR/client.log" 2>&1 \
      || { echo "nfs-cp read from $1 failed" >&2; return 1; }
    cmp -s "$WORK/src.bin" "$WORK/check-$1.bin" \
      || { echo "$1: data read back differs from data written" >&2; return 1; }
    rm -f "$WORK/check-$1.bin"
  else
    timeout 600 nfs-cat "$src" >/dev/null 2>>"$LOGDIR/client.log" \
      || { echo "nfs-cat read from $1 failed" >&2; return 1; }
  fi
  t1=$(now)
  driver rm $(dargs "$1") "big-$2.bin" >/dev/null
  elapsed "$t0" "$t1"
}
w_create() {
  local t; read -r -a t <<<"$(small_target "$1" "$2")"
  driver create 127.0.0.1 "${NFSPORT[$1]}" "${MNTPORT[$1]}" "${t[0]}" "${t[1]}" "$FILES" \
    "$SMALL_BYTES" "$WINDOW" | sed -n 's/^seconds=\([0-9.]*\).*/\1/p'
}
w_ls() {
  local t0 t1 n t; read -r -a t <<<"$(small_target "$1" "$2")"
  t0=$(now)
  n=$(timeout 300 nfs-ls "${t[2]}" 2>>"$LOGDIR/client.log" | wc -l)
  t1=$(now)
  [ "$n" -ge "$FILES" ] || { echo "nfs-ls on $1 listed $n entries, expected >= $FILES" >&2; return 1; }
  elapsed "$t0" "$t1"
}
w_getattr() { # $1 sys $2 round $3 window
  local t; read -r -a t <<<"$(small_target "$1" "$2")"
  driver getattr 127.0.0.1 "${NFSPORT[$1]}" "${MNTPORT[$1]}" "${t[0]}" "${t[1]}" "$FILES" "$3" \
    | sed -n 's/^seconds=\([0-9.]*\).*/\1/p'
}
w_getattr1() { w_getattr "$1" "$2" 1; }
w_getattrN() { w_getattr "$1" "$2" "$WINDOW"; }

WORKLOADS=(write read create ls getattr1 getattrN)
if [ -n "$ONLY_WORKLOADS" ]; then read -r -a WORKLOADS <<<"$ONLY_WORKLOADS"; fi
declare -A LABEL=(
  [write]="sequential write ${SIZE_MIB} MiB (nfs-cp in)"
  [read]="sequential read ${SIZE_MIB} MiB (nfs-cat to /dev/null)"
  [create]="create ${FILES} files (CREATE + ${SMALL_BYTES} B UNSTABLE WRITE, window ${WINDOW})"
  [ls]="list ${FILES}-entry directory (nfs-ls)"
  [getattr1]="${FILES} GETATTR, sequential"
  [getattrN]="${FILES} GETATTR, window ${WINDOW}"
)
declare -A T   # T[sys,workload,round] = seconds

# ---------- run ----------
log "workdir $WORK; creating ${SIZE_MIB} MiB source file"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/src.bin"
for s in "${SYSTEMS[@]}"; do "start_$s"; done

for round in warmup $(seq 1 "$RUNS"); do
  for w in "${WORKLOADS[@]}"; do
    order=("${SYSTEMS[@]}")
    if [ "$round" != warmup ] && [ $((round % 2)) = 0 ] && [ ${#order[@]} = 2 ]; then
      order=("${SYSTEMS[1]}" "${SYSTEMS[0]}")
    fi
    for s in "${order[@]}"; do
      secs=$("w_$w" "$s" "$round")
      [ -n "$secs" ] || { echo "workload $w on $s produced no time" >&2; exit 1; }
      T[$s,$w,$round]=$secs
      log "round=$round workload=$w system=$s seconds=$secs"
    done
  done
done

# ---------- report ----------
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
rate() { # $1 workload $2 seconds
  case "$1" in
    write|read) awk -v s="$2" -v m="$SIZE_MIB" 'BEGIN { printf "%.0f MiB/s", m / s }' ;;
    ls) echo "-" ;;
    *) awk -v s="$2" -v n="$FILES" 'BEGIN { printf "%.0f op/s", n / s }' ;;
  esac
}

DATE=$(date +%Y-%m-%d-%H%M)
OUT="$ROOT/bench/results/nfs-$DATE.md"
JVER=$("$JDK/bin/java" -version 2>&1 | head -1)
GVER=$(ganesha.nfsd -v 2>&1 | head -1)
LVER=$(dpkg-query -W -f='${Version}' libnfs-utils 2>/dev/null || echo unknown)
DVER=$( (timeout 30 "${DOPPEL_JAVA[@]}" --version 2>/dev/null || true) | head -1)
{
  echo "## NFSv3 benchmark, doppel vs nfs-ganesha ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Command: \`bench/run-nfs-bench.sh --runs $RUNS --size-mib $SIZE_MIB --files $FILES --window $WINDOW${ONLY:+ --only $ONLY}\`"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(df -T "$WORK" | awk 'NR == 2 { print $2 }') on $(df "$WORK" | awk 'NR == 2 { print $1 }'), kernel $(uname -r)."
  echo "Versions: ${GVER} (FSAL VFS); libnfs-utils ${LVER}; ${JVER}; ${DVER:-doppel (version unknown)}."
  echo "Both servers on 127.0.0.1 over TCP, data on the same disk ($WORKBASE), page cache warm (cannot be dropped in this container); one warm-up round (which also verifies the ${SIZE_MIB} MiB read-back byte for byte), then $RUNS round(s) alternating the server order."
  echo
  if [ ${#SYSTEMS[@]} = 2 ]; then
    echo "| workload | ganesha median | doppel median | doppel/ganesha time (median of per-round ratios; < 1 = doppel faster) |"
    echo "|---|---|---|---|"
  else
    echo "| workload | ${SYSTEMS[0]} median |"
    echo "|---|---|"
  fi
  for w in "${WORKLOADS[@]}"; do
    row="| ${LABEL[$w]} "
    for s in "${SYSTEMS[@]}"; do
      vals=""
      for r in $(seq 1 "$RUNS"); do vals+="${T[$s,$w,$r]} "; done
      m=$(echo "$vals" | median)
      row+="| ${m} s ($(rate "$w" "$m")) "
    done
    if [ ${#SYSTEMS[@]} = 2 ]; then
      ratios=""
      for r in $(seq 1 "$RUNS"); do
        ratios+="$(awk -v d="${T[doppel,$w,$r]}" -v g="${T[ganesha,$w,$r]}" 'BEGIN { printf "%.3f", d / g }') "
      done
      row+="| $(echo "$ratios" | median) (rounds: ${ratios% }) "
    fi
    echo "$row|"
  done
  echo
  echo "Raw seconds per round:"
  echo
  for s in "${SYSTEMS[@]}"; do
    for w in "${WORKLOADS[@]}"; do
      line="- $s $w:"
      for r in $(seq 1 "$RUNS"); do line+=" ${T[$s,$w,$r]}"; done
      echo "$line"
    done
  done
} >"$OUT"
cat "$OUT"
log "results written to $OUT"
