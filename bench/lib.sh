# Shared by the benchmark scripts (sourced): starting servers in the background, waiting for them,
# stopping them. The caller declares PIDS=() and kills what is left in it on exit.

wait_for() { # $1 url, $2 log
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$2" >&2
    echo "nothing answered at $1" >&2
    exit 1
}
start() { # $1 log, then the command; sets STARTED
    local log="$1"
    shift
    "$@" > "$log" 2>&1 &
    STARTED=$!
    PIDS+=("$STARTED")
}
stop() {
    kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
}
