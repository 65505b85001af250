#!/usr/bin/env bash
# The Debian package, end to end, on this machine (CI runs as root in a container without
# a running systemd):
#   1. build the .deb with cargo deb from the binary `cargo test` already built (no
#      release build: `--no-build --profile dev` packages target/debug/collab-registry);
#   2. install it with dpkg -i and check what it put where;
#   3. systemd-analyze verify the unit (and print its offline security score);
#   4. start the binary the way the unit would: the unit's ExecStart as its User/Group,
#      with its EnvironmentFile, WorkingDirectory, StateDirectory (+ mode), UMask,
#      NoNewPrivileges, an empty capability bounding set, and, in a private mount
#      namespace, ProtectSystem=strict (everything read-only but the state folder),
#      ProtectHome and PrivateTmp; wait for /health/ready, write through the API, take a
#      backup as docs/operations.md says, stop it with SIGTERM;
#   5. dpkg --purge and check that it left nothing (files, user, group, dpkg state).
# Not emulated here (they need systemd itself): the system-call filter,
# MemoryDenyWriteExecute, RestrictAddressFamilies, ProtectProc and the other
# kernel-facing options; systemd-analyze checks their syntax.
#
#     bash .ci/package.sh [target/debug/collab-registry]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/debug/collab-registry}
PKG=collab-registry
CARGO_DEB_VERSION=3.8.0
DEB=target/debian/$PKG-ci.deb
WORK=$(mktemp -d /tmp/collab-package.XXXXXX)
# The checkout itself (its target/ gains the .deb and cargo-deb's stripped copy) is not
# something the package touches, wherever the clone lives.
CHECKOUT=$(pwd -P)
SERVER_PID=

STARTED=$(date +%s)
step() { echo "-- [$(($(date +%s) - STARTED)) s] $*"; }
fail() {
  echo "package check FAILED: $*" >&2
  exit 1
}
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    [ -f "$WORK/server.log" ] && tail -n 40 "$WORK/server.log" >&2
    # Never leave a half-tested package installed on the machine.
    dpkg -s "$PKG" >/dev/null 2>&1 && dpkg --purge "$PKG" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  return "$status"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------
if ! cargo deb --version 2>/dev/null | grep -qF "$CARGO_DEB_VERSION"; then
  # Pinned: cargo-deb warns that packaging the dev profile may become an error later.
  step "installing cargo-deb $CARGO_DEB_VERSION"
  cargo install --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi
for tool in dpkg systemd-analyze setpriv unshare curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done
[ -x "$BIN" ] || fail "$BIN does not exist: run cargo test first"

if dpkg -s "$PKG" >/dev/null 2>&1; then
  step "purging $PKG left installed by an earlier run"
  dpkg --purge "$PKG"
fi

# Everything the package may touch, listed before it is installed, to compare after purge.
snapshot() {
  local d
  for d in /etc /usr/bin /usr/sbin /usr/lib/systemd /lib/systemd /usr/share/doc /var/lib/systemd \
    /var/lib/private; do
    [ -e "$d" ] && find "$d" -xdev 2>/dev/null
  done | grep -v '^/etc/\(passwd\|group\|shadow\|gshadow\|subuid\|subgid\)-\?$' | sort
  { find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /work \
    -o -path "$CHECKOUT" -o -path /root -o -path /var/lib/dpkg \) -prune -o -name "*$PKG*" -print 2>/dev/null || true; } | sort
}
snapshot >"$WORK/before.txt"

# --- 1. build ----------------------------------------------------------------------------
step "cargo deb --no-build --profile dev ($BIN, $(du -h "$BIN" | cut -f1))"
# cargo-deb maps its target/release/ placeholder to the profile's folder (target/debug);
# check that it is the binary we were given.
[ "$(realpath "$BIN")" = "$(realpath target/debug/$PKG)" ] || fail "cargo deb packages target/debug/$PKG, not $BIN"
rm -f "$DEB"
if ! cargo deb --no-build --profile dev --fast --output "$DEB" >"$WORK/deb.log" 2>&1; then
  cat "$WORK/deb.log" >&2
  fail "cargo deb failed"
fi
# cargo-deb warns that the dev profile is meant for development: that is the point here.
grep -v 'dev profile is not supported\|cargo-deb is for making releases\|To enable debug symbols\|Cargo also supports custom profiles' "$WORK/deb.log" || true
[ -f "$DEB" ] || fail "no package was built"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
dpkg-deb --contents "$DEB"

# --- 2. install --------------------------------------------------------------------------
step "dpkg -i"
dpkg -i "$DEB"
UNIT=$(dpkg -L "$PKG" | grep -E '/systemd/system/[^/]+\.service$' | head -n 1)
[ -n "$UNIT" ] || fail "the package has no systemd unit"
[ -x /usr/bin/$PKG ] || fail "/usr/bin/$PKG missing"
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: //p'; }
[ "$(/usr/bin/$PKG --version)" = "$("$BIN" --version)" ] || fail "the installed binary is not $BIN"
[ "$(build_id /usr/bin/$PKG)" = "$(build_id "$BIN")" ] || fail "the installed binary's build id differs from $BIN"
echo "/usr/bin/$PKG: $(/usr/bin/$PKG --version), build id $(build_id "$BIN")"
getent passwd "$PKG" >/dev/null || fail "no $PKG user"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd "$PKG")
[ "$uid" -lt 1000 ] || fail "$PKG is not a system user (uid $uid)"
[ "$shell" = /usr/sbin/nologin ] || fail "$PKG has a login shell ($shell)"
[ "$(stat -c '%a %U' /etc/$PKG/env)" = "600 root" ] || fail "/etc/$PKG/env is $(stat -c '%a %U' /etc/$PKG/env)"
grep -qx /etc/$PKG/env /var/lib/dpkg/info/$PKG.conffiles || fail "/etc/$PKG/env is not a conffile"
echo "user $PKG (uid $uid, home $home, shell $shell); unit $UNIT; /etc/$PKG/env 0600 root, conffile"

# --- 3. the unit -------------------------------------------------------------------------
step "systemd-analyze verify $UNIT"
verify=$(systemd-analyze verify "$UNIT" 2>&1) || fail "systemd-analyze verify: $verify"
if echo "$verify" | grep -F "$(basename "$UNIT")"; then
  fail "systemd-analyze verify reported problems with the unit"
fi
systemd-analyze security --offline=true --no-pager "$UNIT" | tail -n 1

# The unit's own settings, read from the installed file (the last assignment wins).
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
read -r -a EXEC <<<"$(unit_value ExecStart)"
RUN_USER=$(unit_value User)
RUN_GROUP=$(unit_value Group)
ENV_FILE=$(unit_value EnvironmentFile)
WORKDIR=$(unit_value WorkingDirectory)
STATE_DIR=/var/lib/$(unit_value StateDirectory)
STATE_MODE=$(unit_value StateDirectoryMode)
UMASK=$(unit_value UMask)
for setting in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes CapabilityBoundingSet=; do
  grep -qx "$setting" "$UNIT" || fail "the unit lacks $setting"
done
[ "$ENV_FILE" = /etc/$PKG/env ] || fail "EnvironmentFile is $ENV_FILE"
echo "ExecStart=${EXEC[*]} User=$RUN_USER Group=$RUN_GROUP StateDirectory=$STATE_DIR ($STATE_MODE) UMask=$UMASK"

# --- 4. start it as the unit would -------------------------------------------------------
step "start ${EXEC[*]} as $RUN_USER"
# StateDirectory=: systemd creates it owned by the service user with StateDirectoryMode.
install -d -o "$RUN_USER" -g "$RUN_GROUP" -m "$STATE_MODE" "$STATE_DIR"
# EnvironmentFile=: NAME=value lines, comments and blank lines skipped, one pair of
# double quotes around a value removed; systemd also sets PATH, HOME, USER, LOGNAME, SHELL.
ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME="$home" USER="$RUN_USER"
  LOGNAME="$RUN_USER" SHELL="$shell")
while IFS= read -r line || [ -n "$line" ]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || fail "unreadable line in $ENV_FILE: $line"
  name=${BASH_REMATCH[1]}
  value=${BASH_REMATCH[2]}
  [[ "$value" =~ ^\"(.*)\"$ ]] && value=${BASH_REMATCH[1]}
  ENV+=("$name=$value")
done <"$ENV_FILE"
# A free port instead of the file's 8080, which another server on this machine may hold.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ENV+=(COLLAB_LISTEN_ADDR=127.0.0.1:$PORT)
# The hardening in a private mount namespace: the state folder stays writable (its own
# bind mount, made first), then everything else is remounted read-only (ProtectSystem=
# strict), /home and /root are hidden (ProtectHome=yes), /tmp and /var/tmp are private.
unshare --mount --propagation private -- bash -c '
  set -e
  mount --bind "$1" "$1"
  mount -o remount,bind,ro /
  for d in /home /root; do [ -d "$d" ] && mount -t tmpfs -o ro,mode=0755 tmpfs "$d"; done
  mount -t tmpfs -o mode=1777 tmpfs /tmp
  mount -t tmpfs -o mode=1777 tmpfs /var/tmp
  cd "$2"
  umask "$3"
  shift 3
  exec "$@"' hardening "$STATE_DIR" "$WORKDIR" "$UMASK" \
  setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups --no-new-privs \
  --bounding-set=-all --inh-caps=-all \
  env -i "${ENV[@]}" "${EXEC[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >"$WORK/ready.json" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the service exited: $(tail -n 20 "$WORK/server.log")"
  sleep 0.1
done
grep -q '"status":"ready"' "$WORK/ready.json" || fail "/health/ready: $(cat "$WORK/ready.json" 2>/dev/null)"
echo "/health/ready: $(cat "$WORK/ready.json")"
curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null || fail "/health/live"
# unshare, bash, setpriv and env each exec the next: the pid is the service's.
read -r proc_user proc_group proc_args < <(ps -o user:40=,group:40=,args= -p "$SERVER_PID")
[ "$proc_user:$proc_group" = "$RUN_USER:$RUN_GROUP" ] || fail "the service runs as $proc_user:$proc_group"
grep -q '^NoNewPrivs:[[:space:]]*1' /proc/"$SERVER_PID"/status || fail "NoNewPrivs is not set"
grep -q '^CapBnd:[[:space:]]*0*$' /proc/"$SERVER_PID"/status || fail "capabilities left in the bounding set"
echo "running: $proc_args as $proc_user:$proc_group, NoNewPrivs 1, no capabilities"
status=$(curl -sS -o "$WORK/register.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"email":"package-check@example.com","password":"correct horse battery staple","display_name":"Package Check"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/register")
[ "$status" = 201 ] || fail "registration answered $status: $(cat "$WORK/register.json")"

# Everything the service wrote is its own and private (UMask=0077, StateDirectoryMode).
foreign=$(find "$STATE_DIR" \( ! -user "$RUN_USER" -o \( -perm /077 ! -type l \) \) -print)
[ -z "$foreign" ] || fail "files in $STATE_DIR not private to $RUN_USER: $foreign"
[ "$(stat -c %a "$STATE_DIR")" = "${STATE_MODE#0}" ] || fail "$STATE_DIR mode $(stat -c %a "$STATE_DIR")"
ls -la "$STATE_DIR"

step "collab-registry backup, as docs/operations.md shows"
install -d -m 0700 "$WORK/backups"
sh -c 'set -a; . "$1"; exec /usr/bin/collab-registry backup "$2"' backup "$ENV_FILE" \
  "$WORK/backups/collab.db" || fail "backup failed"
[ "$(stat -c %a "$WORK/backups/collab.db")" = 600 ] || fail "backup mode"

step "SIGTERM"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "the service exited with $? on SIGTERM"
SERVER_PID=

# --- 5. purge ----------------------------------------------------------------------------
step "dpkg --purge"
dpkg --purge "$PKG"
dpkg -s "$PKG" >/dev/null 2>&1 && fail "dpkg still knows $PKG"
getent passwd "$PKG" && fail "user $PKG left behind"
getent group "$PKG" && fail "group $PKG left behind"
snapshot >"$WORK/after.txt"
if ! diff "$WORK/before.txt" "$WORK/after.txt"; then
  fail "the purge left the differences above"
fi
step "package check passed: built, installed, verified, started, backed up, purged clean"
