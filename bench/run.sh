#!/usr/bin/env bash
# Galley benchmark: Galley against a bare Fastify floor on the same stack, in
# the same run, on the same machine. See bench/README.md.
#
#   npm run bench                                  # everything, defaults
#   BENCH_ROWS=20000 BENCH_SECONDS=3 npm run bench # quick check
#   BENCH_TARGETS="floor-sqlite galley-sqlite" npm run bench
#   BENCH_TARGETS="floor-login-sqlite galley-login-sqlite floor-login-postgres galley-login-postgres" npm run bench
#
# Each server runs pinned to core 0 (with PostgreSQL, when used, on the same
# core: the server side gets one core), wrk runs pinned to core 1. Progress
# goes to stderr; the Markdown report goes to stdout and bench/results/latest.md.
# A target that cannot be set up or started is reported as failed; the run goes
# on with the others.
set -uo pipefail
cd "$(dirname "$0")/.."

ROWS=${BENCH_ROWS:-100000}
DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-1} # measured runs per scenario; the report keeps the best
CONNECTIONS=${BENCH_CONNECTIONS:-50}
TARGETS=${BENCH_TARGETS:-floor-sqlite galley-sqlite floor-postgres galley-postgres galley-rules-sqlite galley-rules-postgres floor-login-sqlite galley-login-sqlite floor-login-postgres galley-login-postgres}
SCENARIOS="get-one list create" # create last: it adds rows the others would see
# The galley-rules-* targets (API rules and expand) run these instead, each
# with the posts listRule set by list_rule below.
RULES_SCENARIOS="list list-owner list-expand"
# The *-login-* targets (password sign-in) run these, on LOGIN_USERS seeded users.
LOGIN_SCENARIOS="login login-wrong login-unknown"
LOGIN_USERS=${BENCH_LOGIN_USERS:-100}
HASH_RUNS=${BENCH_HASH_RUNS:-50} # in-process hashPassword/verifyPassword timings (median of)
PGBIN=/usr/lib/postgresql/15/bin
GALLEY=${BENCH_GALLEY:-dist/cli/main.js} # another build's CLI can be benchmarked too
SU_EMAIL=bench@example.com
SU_PASSWORD=benchpassword123

WORK=$(mktemp -d /tmp/galley-bench.XXXXXX)
RESULTS=$WORK/results.tsv
SERVER_PID=
PG_PID=
PG_RUNUSER_PID=
PG_DIR=
PG_PORT=
FAIL_REASON=

log() { echo "[bench] $*" >&2; }

# --- processes --------------------------------------------------------------

cleanup() {
  stop_server
  stop_postgres
  if [ -n "${BENCH_KEEP:-}" ]; then log "kept $WORK"; else rm -rf "$WORK" ${PG_DIR:+"$PG_DIR"}; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Waits for PID to exit, up to $2 seconds.
wait_exit() {
  local pid=$1 i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# Polls URL until it answers 200; gives up early if PID has exited.
wait_http() {
  local url=$1 pid=$2 secs=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_server TARGET DIR PORT CPUS: CPUS empty = not pinned. Sets SERVER_PID.
start_server() {
  local target=$1 dir=$2 port=$3 cpus=$4 cmd
  case $target in
  floor-sqlite) cmd=(node bench/floor/sqlite-server.mjs --port="$port" --db="$dir/data.db" --rows="$ROWS" --ids="$dir/ids.txt") ;;
  floor-postgres) cmd=(node bench/floor/postgres-server.mjs --port="$port" --db="$(pg_url floor)" --rows="$ROWS" --ids="$dir/ids.txt") ;;
  floor-login-sqlite) cmd=(node bench/floor/sqlite-server.mjs --port="$port" --db="$dir/data.db" --login="$LOGIN_USERS" --ids="$dir/ids.txt") ;;
  floor-login-postgres) cmd=(node bench/floor/postgres-server.mjs --port="$port" --db="$(pg_url floor_login)" --login="$LOGIN_USERS" --ids="$dir/ids.txt") ;;
  galley-*) cmd=(node "$GALLEY" serve --http="127.0.0.1:$port" "${GALLEY_ARGS[@]}") ;;
  esac
  # taskset execs node, so $! is the server's own PID (for RSS and for kill).
  if [ -n "$cpus" ]; then cmd=(taskset -c "$cpus" "${cmd[@]}"); fi
  "${cmd[@]}" >>"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  if ! wait_http "http://127.0.0.1:$port/api/health" "$SERVER_PID" 180; then
    FAIL_REASON="server did not answer /api/health: $(tail -n 1 "$dir/server.log")"
    stop_server
    return 1
  fi
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait_exit "$SERVER_PID" 15 || kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# --- PostgreSQL ---------------------------------------------------------------

pg_url() { echo "postgres://bench@127.0.0.1:$PG_PORT/$1"; }

# A throwaway cluster, trust auth on 127.0.0.1 only, no Unix socket.
# synchronous_commit=off: commits do not wait for the WAL fsync, the same
# durability trade as SQLite's WAL + synchronous=NORMAL on the other side.
start_postgres() {
  PG_DIR=$(mktemp -d /tmp/galley-bench-pg.XXXXXX)
  chown postgres:postgres "$PG_DIR"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$PGBIN/initdb" -D "$PG_DIR/data" -U bench --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
    { FAIL_REASON="initdb failed: $(tail -n 1 "$PG_DIR/initdb.log")"; return 1; }
  runuser -u postgres -- "$PGBIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c synchronous_commit=off \
    >"$PG_DIR/postgres.log" 2>&1 &
  PG_RUNUSER_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.1
  done
  # The postmaster's PID, which is what we signal to stop it (runuser is only its parent).
  PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    { FAIL_REASON="postgres did not start: $(tail -n 1 "$PG_DIR/postgres.log")"; return 1; }
  psql_bench postgres -c 'CREATE DATABASE floor' -c 'CREATE DATABASE galley' -c 'CREATE DATABASE galley_rules' \
    -c 'CREATE DATABASE floor_login' -c 'CREATE DATABASE galley_login' >/dev/null
}

psql_bench() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U bench -d "$@"; }

stop_postgres() {
  [ -n "$PG_PID" ] && kill -INT "$PG_PID" 2>/dev/null # fast shutdown
  if [ -n "$PG_RUNUSER_PID" ]; then
    wait_exit "$PG_RUNUSER_PID" 30 || { [ -n "$PG_PID" ] && kill -KILL "$PG_PID" 2>/dev/null; }
    wait "$PG_RUNUSER_PID" 2>/dev/null
  fi
  PG_PID= PG_RUNUSER_PID=
}

# Moves the postmaster and its running processes to CPUS; backends forked
# later inherit the postmaster's affinity.
pin_postgres() {
  [ -n "$PG_PID" ] || return 0
  local pid
  for pid in "$PG_PID" $(ps -o pid= --ppid "$PG_PID"); do
    taskset -a -cp "$1" "$pid" >/dev/null 2>&1
  done
}

# --- CPU used by others ----------------------------------------------------------
# The machine may be shared, and a test suite running meanwhile skews a
# result. So each run also measures what other processes did during it: the
# CPU used by those alive at its end (whatever their start), and the number of
# processes started on the machine (short-lived ones leave no other trace).

# Writes "PID TICKS NAME" (utime + stime in 1/100 s) for every process but
# the server, PostgreSQL's and this scan's own.
others_ticks() {
  local f line pid name ours=" $BASHPID $SERVER_PID ${PG_PID:+$PG_PID $(ps -o pid= --ppid "$PG_PID" | tr '\n' ' ')} "
  for f in /proc/[0-9]*/stat; do
    read -r line <"$f" 2>/dev/null || continue
    pid=${f//[^0-9]/}
    [[ $ours == *" $pid "* ]] && continue
    name=${line#*(} name=${name%%)*}
    set -- ${line##*) }
    echo "$pid $((${12} + ${13})) ${name// /_}"
  done >"$1"
}

# Writes the CPU ticks (utime + stime, 1/100 s) used so far by the server and,
# with PostgreSQL, by the postmaster and its backends: the server side's CPU.
server_ticks() {
  local pid line total=0
  for pid in $SERVER_PID ${PG_PID:+$PG_PID $(ps -o pid= --ppid "$PG_PID")}; do
    read -r line 2>/dev/null <"/proc/$pid/stat" || continue
    set -- ${line##*) }
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# Sets FORKS to the number of processes started since boot (read without forking).
forks() {
  local key value
  while read -r key value; do [ "$key" = processes ] && FORKS=$value; done </proc/stat
}

# --- one target ----------------------------------------------------------------

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# run_wrk SCENARIO SECONDS DIR PORT OUT
run_wrk() {
  timeout $(($2 + 60)) taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 5s \
    -s "bench/wrk/$1.lua" "http://127.0.0.1:$4" -- "$3/ids.txt" "$3/token.txt" >"$5" 2>&1
}

# list_rule SCENARIO DIR PORT: on a galley-rules-* target, sets the posts
# listRule the scenario needs (as the superuser): the owner rule for
# list-owner, public ("") for list and list-expand.
list_rule() {
  local rule='' token res
  [ "$1" = list-owner ] && rule='owner = @request.auth.id'
  token=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"identity\":\"$SU_EMAIL\",\"password\":\"$SU_PASSWORD\"}" \
    "http://127.0.0.1:$3/api/collections/_superusers/auth-with-password" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { log "superuser sign-in failed"; return 1; }
  res=$(curl -sS --max-time 30 -X PATCH -H "Authorization: $token" -H 'Content-Type: application/json' \
    -d "{\"listRule\":\"$rule\"}" "http://127.0.0.1:$3/api/collections/posts")
  [[ $res == *"\"listRule\":\"$rule\""* ]] || { log "setting listRule failed: ${res:0:300}"; return 1; }
  # The scenario must see what it is meant to measure, not an empty page.
  local url="http://127.0.0.1:$3/api/collections/posts/records?perPage=1"
  case $1 in
  list-owner)
    res=$(curl -fsS --max-time 30 -H "Authorization: $(cat "$2/token.txt")" "$url" | sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p')
    # The signed-in user owns one post in a hundred (seed.mjs --rules).
    [ "${res:-0}" -ge $((ROWS / 100)) ] && [ "${res:-0}" -lt "$ROWS" ] || { log "list-owner: the owner's list reports totalItems=${res:-?}"; return 1; } ;;
  list-expand)
    res=$(curl -fsS --max-time 30 "$url&expand=author")
    [[ $res == *'"expand":{"author":{'* ]] || { log "list-expand: no expanded author: ${res:0:300}"; return 1; } ;;
  esac
}

# field KEY LINE: value of KEY=VALUE in wrk's BENCH line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# The restarted server must still serve what was seeded: otherwise the
# scenarios would only measure 404s and empty pages.
check_seeded() {
  local dir=$1 url="http://127.0.0.1:$2/api/collections/posts/records" total
  curl -fsS -o /dev/null --max-time 10 "$url/$(head -n 1 "$dir/ids.txt")" &&
    curl -fsS -o /dev/null --max-time 10 "$url/$(tail -n 1 "$dir/ids.txt")" ||
    { FAIL_REASON="a seeded record is not found after restart"; return 1; }
  total=$(curl -fsS --max-time 30 "$url?perPage=1" | sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p')
  [ "${total:-0}" -ge "$ROWS" ] || { FAIL_REASON="list reports totalItems=${total:-?} after seeding $ROWS rows"; return 1; }
}

# The login targets' check after restart: the first and last seeded users
# sign in (200), a wrong password is refused (400), and sign-in protection, which
# seed.mjs switched off, has not come back (a burst of 60 unknown identities, over
# the default 50 failures per IP, meets no 429).
check_login() {
  local dir=$1 url="http://127.0.0.1:$2/api/collections/users/auth-with-password" email code i
  login_status() { curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"identity\":\"$1\",\"password\":\"$2\"}" "$url"; }
  for email in "$(head -n 1 "$dir/ids.txt")" "$(tail -n 1 "$dir/ids.txt")"; do
    code=$(login_status "$email" loginpassword123)
    [ "$code" = 200 ] || { FAIL_REASON="sign-in of $email answers $code after restart"; return 1; }
  done
  code=$(login_status "$email" wrongpassword123)
  [ "$code" = 400 ] || { FAIL_REASON="a wrong password answers $code (400 expected)"; return 1; }
  for ((i = 0; i < 60; i++)); do
    code=$(login_status "unknown$i@example.com" loginpassword123)
    [ "$code" = 400 ] || { FAIL_REASON="an unknown identity answers $code (400 expected; sign-in protection still on?)"; return 1; }
  done
}

run_target() {
  local target=$1 dir=$WORK/$1 port db= idle after s line round other f0 t0 t1 spawned busiest scenarios=$SCENARIOS seed_args=()
  mkdir -p "$dir"
  port=$(free_port)
  case $target in *-postgres) db=${target%-postgres} db=${db//-/_} ;; esac
  if [[ $target == galley-rules-* ]]; then
    scenarios=$RULES_SCENARIOS
    seed_args=(--rules --token="$dir/token.txt")
  elif [[ $target == *-login-* ]]; then
    scenarios=$LOGIN_SCENARIOS
    seed_args=(--login="$LOGIN_USERS")
  fi
  if [ -n "$db" ] && [ -z "$PG_PID" ]; then FAIL_REASON="PostgreSQL is not running"; return 1; fi

  if [[ $target == galley-* ]]; then
    [ -f "$GALLEY" ] || { FAIL_REASON="$GALLEY missing (build failed?)"; return 1; }
    GALLEY_ARGS=(--dir="$dir/pb_data")
    [ -n "$db" ] && GALLEY_ARGS+=(--db="$(pg_url "$db")")
    mkdir -p "$dir/pb_data"
    timeout 120 node "$GALLEY" superuser upsert "$SU_EMAIL" "$SU_PASSWORD" "${GALLEY_ARGS[@]}" >"$dir/superuser.log" 2>&1 ||
      { FAIL_REASON="superuser upsert failed: $(tail -n 1 "$dir/superuser.log")"; return 1; }
  fi

  # Seeding phase, on both cores so it is quick. The floors seed themselves at
  # start; Galley is seeded through its API.
  if [[ $target == *-login-* ]]; then log "$target: seeding $LOGIN_USERS users"; else log "$target: seeding $ROWS rows"; fi
  pin_postgres 0-1
  start_server "$target" "$dir" "$port" "" || return 1
  if [[ $target == galley-* ]]; then
    timeout 1800 node bench/seed.mjs --url="http://127.0.0.1:$port" --rows="$ROWS" --ids="$dir/ids.txt" \
      --email="$SU_EMAIL" --password="$SU_PASSWORD" "${seed_args[@]}" 2>>"$dir/seed.log" ||
      { FAIL_REASON="seeding failed: $(tail -n 1 "$dir/seed.log")"; stop_server; return 1; }
  fi
  stop_server
  [ -s "$dir/ids.txt" ] || { FAIL_REASON="no ids file after seeding"; return 1; }
  # Fresh statistics and no autovacuum of the seed load during measurement.
  [ -n "$db" ] && psql_bench "$db" -c 'VACUUM ANALYZE' >/dev/null

  # Measuring phase: a fresh process pinned to core 0 (idle RSS is then the
  # seeded server's, not the seeding's garbage).
  pin_postgres 0
  start_server "$target" "$dir" "$port" 0 || return 1
  if [[ $target == *-login-* ]]; then
    check_login "$dir" "$port" || { stop_server; return 1; }
  else
    check_seeded "$dir" "$port" || { stop_server; return 1; }
  fi
  sleep 1
  idle=$(rss_kb "$SERVER_PID")
  for s in $scenarios; do
    log "$target: $s"
    if [[ $target == galley-rules-* ]] && ! list_rule "$s" "$dir" "$port"; then
      FAIL_REASON="$s: cannot set the posts listRule"
      stop_server
      return 1
    fi
    run_wrk "$s" "$WARMUP" "$dir" "$port" "$dir/warmup-$s.txt"
    for ((round = 1; round <= ROUNDS; round++)); do
      others_ticks "$WORK/before"
      forks
      f0=$FORKS
      t0=$(server_ticks)
      run_wrk "$s" "$DURATION" "$dir" "$port" "$dir/wrk-$s-$round.txt"
      t1=$(server_ticks)
      forks
      spawned=$((FORKS - f0 - 2)) # less timeout and wrk
      others_ticks "$WORK/after"
      # Percent of one core used by other processes during the run, and the
      # busiest of them by name, for the log.
      other=$(awk -v secs="$DURATION" 'NR == FNR { b[$1] = $2; next } { t += $2 - b[$1] } END { printf "%d", t / secs }' \
        "$WORK/before" "$WORK/after")
      busiest=$(awk -v secs="$DURATION" 'NR == FNR { b[$1] = $2; next } { n[$3] += $2 - b[$1] }
        END { for (k in n) if (n[k] / secs >= 5) printf "%s %d%%\n", k, n[k] / secs }' "$WORK/before" "$WORK/after" |
        sort -k2 -rn | head -n 3 | paste -sd, -)
      line=$(grep '^BENCH ' "$dir/wrk-$s-$round.txt")
      if [ -z "$line" ]; then
        log "$target: $s: no result: $(tail -n 1 "$dir/wrk-$s-$round.txt")"
        continue
      fi
      # Server side CPU during the run, in percent of one core.
      t1=$(((t1 - t0) / DURATION))
      log "$target: $s: $line server_cpu=$t1% other_cpu=$other% spawned=$spawned${busiest:+ ($busiest)}"
      printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$s" "$(field rps "$line")" "$(field p99_ms "$line")" \
        "$(field non2xx "$line")" "$(field socket_errors "$line")" "$(field requests "$line")" "$other" "$spawned" \
        "$(field p50_ms "$line")" "$t1" >>"$RESULTS"
    done
  done
  after=$(rss_kb "$SERVER_PID")
  printf 'rss\t%s\t%s\t%s\n' "$target" "$idle" "$after" >>"$RESULTS"
  stop_server
}

# --- main ------------------------------------------------------------------------

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || { log "cannot install wrk"; exit 1; }
fi

# Only when there is no build at all: the bench measures what was built.
if [[ " $TARGETS " == *" galley-"* ]] && [ -z "${BENCH_GALLEY:-}" ] && [ ! -f dist/cli/main.js ]; then
  log "dist/cli/main.js missing: npm run build"
  npm run build >"$WORK/build.log" 2>&1 || log "build failed (galley targets will fail): $(tail -n 1 "$WORK/build.log")"
fi

{
  printf 'meta\tdate\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'meta\tcommit\t%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo none)$(git status --porcelain 2>/dev/null | grep -q . && echo ' (dirty tree)')"
  printf 'meta\trows\t%s\nmeta\tseconds\t%s\nmeta\twarmup\t%s\nmeta\tconnections\t%s\nmeta\trounds\t%s\n' \
    "$ROWS" "$DURATION" "$WARMUP" "$CONNECTIONS" "$ROUNDS"
  printf 'meta\ttargets\t%s\nmeta\tscenarios\t%s\nmeta\trules_scenarios\t%s\n' "$TARGETS" "$SCENARIOS" "$RULES_SCENARIOS"
  printf 'meta\tlogin_scenarios\t%s\nmeta\tlogin_users\t%s\n' "$LOGIN_SCENARIOS" "$LOGIN_USERS"
  printf 'meta\tcpu\t%s\n' "$(nproc) × $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
  printf 'meta\tnode\t%s\nmeta\twrk\t%s\n' "$(node --version)" "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
  printf 'meta\tpostgres\t%s\n' "$("$PGBIN/postgres" --version | awk '{ print $3 }')"
} >"$RESULTS"

# The in-process hash cost, on core 0 alone before any server runs: what one
# sign-in's argon2id costs without HTTP or a database.
if [[ " $TARGETS " == *"-login-"* ]]; then
  log "timing hashPassword/verifyPassword ($HASH_RUNS runs each)"
  line=$(timeout 300 taskset -c 0 node bench/hash-time.mjs --galley="$GALLEY" --runs="$HASH_RUNS" 2>"$WORK/hash-time.log" | grep '^HASH ')
  if [ -n "$line" ]; then
    log "$line"
    for k in hash_ms verify_ms verify_wrong_ms verify_dummy_ms runs; do printf 'meta\t%s\t%s\n' "$k" "$(field "$k" "$line")" >>"$RESULTS"; done
  else
    log "hash timing failed: $(tail -n 1 "$WORK/hash-time.log")"
  fi
fi

if [[ " $TARGETS " == *"-postgres "* ]]; then
  log "starting PostgreSQL"
  start_postgres || { log "$FAIL_REASON"; printf 'fail\tpostgres\t%s\n' "$FAIL_REASON" >>"$RESULTS"; stop_postgres; }
fi

for target in $TARGETS; do
  FAIL_REASON=
  if ! run_target "$target"; then
    log "$target: FAILED: $FAIL_REASON"
    printf 'fail\t%s\t%s\n' "$target" "$(tr '\t|' '  ' <<<"$FAIL_REASON")" >>"$RESULTS"
  fi
done

mkdir -p bench/results
node bench/report.mjs "$RESULTS" | tee bench/results/latest.md
