#!/bin/sh
# gavel-config and gavel-keygen, end to end (registered by tests/config.cmake).
# usage: tools_test.sh GAVEL_CONFIG GAVEL_KEYGEN CLUSTER_TOML FIXTURE_DIR
set -u
cfg_bin=$1 keygen_bin=$2 toml=$3 fixtures=$4
data=$(mktemp -d /tmp/gavel-tools-test.XXXXXX) || exit 1
trap 'rm -rf "$data"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() { # what got want
    if [ "$2" != "$3" ]; then fail "$1: got [$2], want [$3]"; else echo "ok   $1"; fi
}
mode_of() { stat -c %a "$1"; }
gc() { "$cfg_bin" --config "$toml" --data "$data" "$@"; }

# ---- gavel-config ----------------------------------------------------------------------
expect_eq "check prints ok" "$(gc check)" "ok"

out=$("$cfg_bin" --config "$fixtures/bad_unknown_key.toml" --data "$data" check 2>&1)
rc=$?
expect_eq "check exits 2 on an invalid file" "$rc" "2"
case $out in *"line 13"*"did you mean \`slots\`?"*) echo "ok   check prints the error" ;;
    *) fail "check error text: $out" ;; esac

expect_eq "nodes lists role name host endpoint" "$(gc nodes)" \
"broker broker 127.0.0.1 ipc://$data/run/broker.sock
actors actors-1 127.0.0.1 -
edge edge-1 127.0.0.1 127.0.0.1:8080
judge judge-1 127.0.0.1 -"
expect_eq "nodes --local keeps loopback nodes" "$(gc nodes --local | wc -l)" "4"
expect_eq "nodes --local drops other hosts" \
    "$("$cfg_bin" --config "$fixtures/sharded.toml" --data "$data" nodes --local | cut -d' ' -f2 | tr '\n' ' ')" \
    "broker actors-1 actors-2 actors-3 "

expect_eq "get limits.request_timeout_ms" "$(gc get limits.request_timeout_ms)" "5000"
expect_eq "get edge.NAME.listen" "$(gc get edge.edge-1.listen)" "127.0.0.1:8080"
expect_eq "get broker.sub_endpoint" "$(gc get broker.sub_endpoint)" "ipc://$data/run/events-out.sock"
expect_eq "get languages.c.compile" "$(gc get languages.c.compile)" \
    "gcc -O2 -std=gnu11 -pipe -o {exe} {src} -lm"
expect_eq "get data_dir" "$(gc get data_dir)" "$data"
gc get edge.judge-1.listen >/dev/null 2>&1
expect_eq "get with the wrong role is refused" "$?" "1"
gc get limits.nope >/dev/null 2>&1
expect_eq "get of an unknown key exits 1" "$?" "1"
expect_eq "owner of a contest" "$(gc owner contest/42)" "actors-1"

# ---- gavel-keygen ----------------------------------------------------------------------
"$keygen_bin" --config "$toml" --data "$data" >"$data/keygen1.out" || fail "keygen run 1"
for n in broker actors-1 edge-1 judge-1; do
    [ -s "$data/keys/$n.cert" ] || fail "no keys/$n.cert"
    expect_eq "keys/$n.cert_secret is 0600" "$(mode_of "$data/keys/$n.cert_secret")" "600"
    grep -q 'secret-key' "$data/keys/$n.cert" && fail "public cert of $n holds a secret key"
    grep -q "name = \"$n\"" "$data/keys/$n.cert" || fail "cert of $n lacks its name"
done
expect_eq "keys/ is 0700" "$(mode_of "$data/keys")" "700"
expect_eq "authorized holds the non-broker nodes" "$(ls "$data/keys/authorized" | tr '\n' ' ')" \
    "actors-1.cert edge-1.cert judge-1.cert "
cmp -s "$data/keys/judge-1.cert" "$data/keys/authorized/judge-1.cert" || fail "authorized copy differs"
expect_eq "token.key is 0600" "$(mode_of "$data/keys/token.key")" "600"
expect_eq "token.key is 64 hex digits" "$(tr -d '\n' <"$data/keys/token.key" | grep -Ec '^[0-9a-f]{64}$')" "1"

cp "$data/keys/actors-1.cert_secret" "$data/before"
tok=$(cat "$data/keys/token.key")
out=$("$keygen_bin" --config "$toml" --data "$data") || fail "keygen run 2"
case $out in "all keys present in"*) echo "ok   second run creates nothing" ;;
    *) fail "second run output: $out" ;; esac
cmp -s "$data/before" "$data/keys/actors-1.cert_secret" || fail "second run replaced a secret"
expect_eq "second run keeps token.key" "$(cat "$data/keys/token.key")" "$tok"

rm "$data/keys/edge-1.cert_secret"
"$keygen_bin" --config "$toml" --data "$data" >/dev/null 2>&1
expect_eq "half a key pair is refused" "$?" "1"
[ -e "$data/keys/edge-1.cert" ] || fail "half pair: public cert removed"

"$keygen_bin" --out "$data/stranger" --name stranger >/dev/null || fail "standalone cert"
[ -s "$data/stranger/stranger.cert" ] && [ -s "$data/stranger/stranger.cert_secret" ] ||
    fail "standalone cert files"
"$keygen_bin" --out "$data/stranger" --name stranger >/dev/null 2>&1
expect_eq "standalone cert is not overwritten" "$?" "1"
[ -e "$data/keys/authorized/stranger.cert" ] && fail "standalone cert got authorized"

if [ "$failures" -ne 0 ]; then echo "$failures failed"; exit 1; fi
echo "all passed"
