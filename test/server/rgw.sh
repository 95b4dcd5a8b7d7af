#!/usr/bin/env bash
# Throwaway single-node Ceph RGW (one mon, one OSD, radosgw/beast, auth none,
# no mgr) on 127.0.0.1, with every file under one directory.
#
#   test/server/rgw.sh start DIR [--bluestore SIZE_GIB]
#   test/server/rgw.sh stop DIR
#   test/server/rgw.sh env DIR
#
# start prints the env file (also written to DIR/env) on stdout; progress and
# errors go to stderr. See test/server/README.md.
set -euo pipefail

PROG=rgw.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ACCESS_KEY=testkey
SECRET_KEY=testsecret
REGION=us-east-1
MEMSTORE_BYTES=$((6 * 1024 * 1024 * 1024))
WAIT_SECS=${RGW_SH_WAIT_SECS:-60}  # seconds each step may take
MARKER=.rgw-sh-cluster          # marks DIR as ours (start may reuse a stopped DIR)
LOCK=/tmp/rgw-sh.ports.lock     # serialises port choice until the ports are bound

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }

usage() {
    cat >&2 <<EOF
usage: $PROG start DIR [--bluestore SIZE_GIB]
       $PROG stop DIR
       $PROG env DIR
EOF
    exit 2
}

# ---------------------------------------------------------------- processes

# True if PID is a live (non-zombie) process started by the cluster in $DIR.
is_ours() {
    local pid=$1 cmd
    [[ -r /proc/$pid/cmdline ]] || return 1
    cmd=$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) || return 1
    [[ $cmd == *" -c $DIR/ceph.conf "* ]]
}

# True once PID no longer exists, or is a zombie whose threads have all exited
# (nobody reaps orphans in some containers; such a zombie holds no resources).
is_gone() {
    local pid=$1 state ntask
    [[ -e /proc/$pid ]] || return 0
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' /proc/"$pid"/status 2>/dev/null) || return 0
    [[ -z $state ]] && return 0
    [[ $state == Z || $state == X ]] || return 1
    ntask=$(find /proc/"$pid"/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) || return 0
    ((ntask <= 1))
}

# True if something listens on 127.0.0.1:PORT (or the wildcard address).
listening() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" '$4 == "0A" && ($2 == "0100007F" p || $2 == "00000000" p) { f = 1 } END { exit !f }' \
        /proc/net/tcp
}

# kill -9 every recorded PID that is still ours, then wait until those are
# gone and the cluster's ports are closed. PIDs that now belong to someone
# else (a stale DIR) are neither killed nor waited for. Non-zero on timeout.
kill_all() {
    local pid ports=() p deadline left wait_pids=()
    [[ -f $DIR/pids ]] || return 0
    while read -r pid; do
        [[ $pid =~ ^[0-9]+$ ]] || continue
        if is_ours "$pid"; then
            kill -9 "$pid" 2>/dev/null || true
            wait_pids+=("$pid")
        elif ! is_gone "$pid" && [[ $(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' /proc/"$pid"/status 2>/dev/null) == Z ]]; then
            wait_pids+=("$pid")    # killed before, threads still exiting
        fi
    done <"$DIR/pids"
    ((${#wait_pids[@]})) || return 0
    if [[ -f $DIR/ports ]]; then read -r -a ports <"$DIR/ports" || true; fi
    deadline=$((SECONDS + 30))
    while :; do
        left=""
        for pid in "${wait_pids[@]}"; do
            if ! is_gone "$pid"; then left+=" pid $pid"; fi
        done
        for p in "${ports[@]}"; do
            if listening "$p"; then left+=" port $p"; fi
        done
        [[ -z $left ]] && return 0
        if ((SECONDS >= deadline)); then
            say "still alive after 30 s:$left"
            return 1
        fi
        sleep 0.05
    done
}

running_cluster() {
    local pid
    [[ -f $DIR/pids ]] || return 1
    while read -r pid; do
        [[ $pid =~ ^[0-9]+$ ]] || continue
        if is_ours "$pid"; then return 0; fi
    done <"$DIR/pids"
    return 1
}

# ---------------------------------------------------------------- start

STEP=""        # what start is doing (shown on failure)
STEP_LOG=""    # the log that explains a failure of that step
STARTED_OK=0

on_start_exit() {
    local rc=$?
    ((STARTED_OK)) && return 0
    ((rc == 0)) && rc=1
    say "start FAILED during: ${STEP:-setup}"
    local f
    for f in $STEP_LOG; do
        if [[ -s $f ]]; then
            printf '%s: ---- tail of %s ----\n' "$PROG" "$f" >&2
            tail -n 40 "$f" >&2 || true
        fi
    done
    say "killing what was started"
    kill_all || true
    exit "$rc"
}

# Run a foreground command with a time limit; its output goes to the first
# file of STEP_LOG.
run_step() {
    local rc=0
    timeout "$WAIT_SECS" "$@" >>"${STEP_LOG%% *}" 2>&1 || rc=$?
    if ((rc == 124)); then say "timed out after $WAIT_SECS s: $*"; fi
    return "$rc"
}

# Start a daemon in the background (own session, no inherited fds) and record it.
spawn() {
    local name=$1; shift
    setsid "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 9>&- &
    local pid=$!
    echo "$pid" >>"$DIR/pids"
    disown "$pid"
    eval "PID_$name=$pid"
}

# Wait until daemon NAME listens on all the given ports; fail if it dies.
wait_listen() {
    local name=$1 v="PID_$1" p deadline=$((SECONDS + WAIT_SECS)); shift
    for p in "$@"; do
        until listening "$p"; do
            is_ours "${!v}" || die "$name (pid ${!v}) died"
            ((SECONDS < deadline)) || die "$name did not listen on 127.0.0.1:$p within $WAIT_SECS s"
            sleep 0.01
        done
    done
}

pick_ports() {
    python3 "$HERE/free_ports.py" 4
}

cmd_start() {
    local bluestore_gib=""
    while (($#)); do
        case $1 in
            --bluestore)
                [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--bluestore needs a size in GiB"
                bluestore_gib=$2; shift 2 ;;
            *) usage ;;
        esac
    done

    local t0 t_end
    t0=$(now)

    # ---- directory
    mkdir -p "$DIR"
    if running_cluster; then die "$DIR already holds a running cluster (stop it first)"; fi
    if [[ -n $(ls -A "$DIR") ]]; then
        [[ -f $DIR/$MARKER ]] || die "$DIR is not empty and was not made by $PROG"
        rm -rf "${DIR:?}"/{ceph.conf,env,pids,ports,monmap,keyring,log,run,mon,osd,rgw,crash,tls}
    fi
    touch "$DIR/$MARKER"
    mkdir -p "$DIR"/{log,run,mon,osd,rgw,crash}
    : >"$DIR/pids"
    trap on_start_exit EXIT
    trap 'exit 130' INT TERM HUP

    # ---- ports: hold a global lock from choosing them until radosgw listens,
    # so two concurrent starts cannot pick the same free port.
    STEP="locking $LOCK"
    exec 9>>"$LOCK"
    flock -w 300 9 || die "could not lock $LOCK"
    STEP="picking ports"
    local ports mon1 mon2 rgwp tlsp
    ports=$(pick_ports)
    read -r mon1 mon2 rgwp tlsp <<<"$ports"
    echo "$mon1 $mon2 $rgwp $tlsp" >"$DIR/ports"

    # ---- a self-signed certificate for the TLS endpoint (clients trust it through S3_CA_FILE)
    STEP="making a TLS certificate"
    mkdir -p "$DIR/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" \
        >"$DIR/tls/openssl.log" 2>&1 || die "openssl could not make a certificate"

    # ---- ceph.conf
    local fsid osd_uuid conf=$DIR/ceph.conf
    fsid=$(cat /proc/sys/kernel/random/uuid)
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    {
        cat <<EOF
# generated by $PROG
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon2,v1:127.0.0.1:$mon1]
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$cluster-\$name.asok
pid file = $DIR/run/\$cluster-\$name.pid
log file = $DIR/log/\$cluster-\$name.log
crash dir = $DIR/crash
mon data = $DIR/mon/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id
log to stderr = false
err to stderr = true
mon cluster log file = $DIR/log/\$cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 0
mon data avail crit = 0
osd crush chooseleaf type = 0
paxos propose interval = 0.01
paxos min wait = 0.001

[mon]
# a bare "public addr" would make the mon bind the default ports 3300/6789
public addrv = [v2:127.0.0.1:$mon2,v1:127.0.0.1:$mon1]
mon osd full ratio = 0.97
mon osd backfillfull ratio = 0.96
mon osd nearfull ratio = 0.95

[osd]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
EOF
        if [[ -n $bluestore_gib ]]; then
            cat <<EOF
osd objectstore = bluestore
bluestore block path = $DIR/osd/block
bluestore block create = false
bluestore fsck on mkfs = false
osd memory target = 1073741824
# every bdev close waits up to one aio poll (default 250 ms); the OSD opens and
# closes the block file about a dozen times while it starts
bdev aio poll ms = 10
EOF
        else
            cat <<EOF
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
EOF
        fi
        cat <<EOF

[client]
objecter tick interval = 0.1

[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$rgwp ssl_endpoint=127.0.0.1:$tlsp ssl_certificate=$DIR/tls/cert.pem ssl_private_key=$DIR/tls/key.pem
rgw data = $DIR/rgw
rgw gc obj min wait = 5
rgw gc processor period = 5
rgw enable usage log = false
# virtual-hosted requests (Host: bucket.localhost:PORT; libcurl resolves *.localhost to loopback
# itself); requests to 127.0.0.1 stay path-style
rgw dns name = localhost
EOF
    } >"$conf"
    export CEPH_CONF=$conf
    unset CEPH_ARGS
    local ceph_log=$DIR/log/setup.log

    # ---- mon
    STEP="creating the monitor"
    STEP_LOG="$ceph_log"
    run_step monmaptool --create --fsid "$fsid" \
        --addv a "[v2:127.0.0.1:$mon2,v1:127.0.0.1:$mon1]" "$DIR/mon/monmap"
    run_step ceph-mon -c "$conf" --mkfs -i a --monmap "$DIR/mon/monmap"
    STEP="starting ceph-mon"
    spawn mon ceph-mon -c "$conf" -f -i a
    STEP_LOG="$DIR/log/mon.out $DIR/log/ceph-mon.a.log"
    wait_listen mon "$mon1" "$mon2"

    # ---- osd
    STEP="registering the OSD (ceph osd new; waits for the mon)"
    local osd_id
    STEP_LOG="$ceph_log $DIR/log/mon.out $DIR/log/ceph-mon.a.log"
    local rc=0
    osd_id=$(timeout "$WAIT_SECS" ceph -c "$conf" osd new "$osd_uuid" 2>>"$ceph_log") || rc=$?
    if ((rc == 124)); then say "timed out after $WAIT_SECS s"; fi
    ((rc == 0)) || exit "$rc"
    [[ $osd_id =~ ^[0-9]+$ ]] || die "ceph osd new printed '$osd_id'"
    mkdir -p "$DIR/osd/ceph-$osd_id"
    if [[ -n $bluestore_gib ]]; then
        truncate -s "${bluestore_gib}G" "$DIR/osd/block"
    fi
    STEP="ceph-osd --mkfs"
    STEP_LOG="$ceph_log $DIR/log/ceph-osd.$osd_id.log"
    run_step \
        ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid"
    STEP="starting ceph-osd"
    spawn osd ceph-osd -c "$conf" -f -i "$osd_id"

    # ---- S3 user (creates the rgw pools; waits for the OSD)
    STEP="radosgw-admin user create (waits for the OSD)"
    local admin_log=$DIR/log/radosgw-admin.log
    STEP_LOG="$DIR/log/radosgw-admin.out $admin_log $DIR/log/osd.out $DIR/log/ceph-osd.$osd_id.log"
    run_step radosgw-admin -c "$conf" --log-file "$admin_log" user create \
        --uid testuser --display-name "test user" \
        --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY"

    # ---- radosgw
    STEP="starting radosgw on 127.0.0.1:$rgwp"
    STEP_LOG="$DIR/log/rgw.out $DIR/log/ceph-client.rgw.gw.log"
    spawn rgw radosgw -c "$conf" -f -n client.rgw.gw
    local deadline=$((SECONDS + WAIT_SECS)) code
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$rgwp/" || true)
        [[ $code != 000 && -n $code ]] && break
        local n
        for n in mon osd rgw; do
            local v="PID_$n"
            is_ours "${!v}" || die "$n (pid ${!v}) died"
        done
        ((SECONDS < deadline)) || die "radosgw did not answer HTTP on 127.0.0.1:$rgwp within $WAIT_SECS s"
        sleep 0.02
    done
    flock -u 9
    exec 9>&-

    # ---- env
    cat >"$DIR/env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$rgwp
S3_VIRTUAL_ENDPOINT=http://localhost:$rgwp
S3_TLS_ENDPOINT=https://127.0.0.1:$tlsp
S3_CA_FILE=$DIR/tls/cert.pem
S3_ACCESS_KEY=$ACCESS_KEY
S3_SECRET_KEY=$SECRET_KEY
S3_REGION=$REGION
EOF
    STARTED_OK=1
    trap - EXIT INT TERM HUP
    t_end=$(now)
    say "$(printf 'started in %.2f s (%s; mon %s/%s, rgw %s; pids %s)' \
        "$(awk -v a="$t0" -v b="$t_end" 'BEGIN { print b - a }')" \
        "$([[ -n $bluestore_gib ]] && echo "bluestore $bluestore_gib GiB" || echo memstore)" \
        "$mon1" "$mon2" "$rgwp" "$(tr '\n' ' ' <"$DIR/pids" | sed 's/ $//')")"
    cat "$DIR/env"
}

# ---------------------------------------------------------------- main

(($# >= 2)) || usage
action=$1
[[ -n $2 ]] || usage
DIR=$(realpath -m -- "$2")
shift 2

case $action in
    start) cmd_start "$@" ;;
    stop)
        (($# == 0)) || usage
        if [[ ! -f $DIR/pids ]]; then
            say "no $DIR/pids: nothing to stop"
            exit 0
        fi
        kill_all || die "some processes of $DIR did not go away"
        say "stopped $DIR"
        ;;
    env)
        (($# == 0)) || usage
        [[ -f $DIR/env ]] || die "no $DIR/env (is a cluster started there?)"
        cat "$DIR/env"
        ;;
    *) usage ;;
esac
