#!/usr/bin/env bash
# Installs failoverd: the binary, the systemd unit, the example configuration and empty token files, with the
# owners and modes the service expects (configuration and secrets root:failoverd 0640, state failoverd 0750).
# Existing configuration and token files are never overwritten; a second run changes nothing.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: deploy/install.sh [--root DIR] [--prefix DIR] [--binary PATH] [--no-chown]

  --root DIR     install below DIR, a staging root like DESTDIR (default /)
  --prefix DIR   where bin/failoverd goes, as seen from the root (default /usr/local)
  --binary PATH  the failoverd binary to install (default: build one with `make release`, which links the Swift
                 runtime statically, so it runs on hosts without Swift)
  --no-chown     leave owners alone (staging into --root DIR as an unprivileged user)

On the real root it runs as root and creates the system user and group failoverd when missing.
EOF
}

fail() {
    echo "install.sh: $*" >&2
    exit 2
}

root=/
prefix=/usr/local
binary=
chown_files=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --root | --prefix | --binary)
            if [ $# -lt 2 ] || [ -z "$2" ]; then fail "$1 needs a value"; fi
            case "$1" in
                --root) root=$2 ;;
                --prefix) prefix=$2 ;;
                --binary) binary=$2 ;;
            esac
            shift 2
            ;;
        --no-chown)
            chown_files=no
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            fail "unknown option $1"
            ;;
    esac
done

case "$prefix" in
    /*) ;;
    *) fail "--prefix $prefix is not an absolute path" ;;
esac
[ -d "$root" ] || fail "--root $root is not a directory"
root=$(cd "$root" && pwd -P)
real_root=no
[ "$root" = / ] && real_root=yes
if [ "$real_root" = yes ]; then
    [ "$chown_files" = yes ] || fail "--no-chown is for staging: give --root DIR as well"
    [ "$(id -u)" = 0 ] || fail "installing on this system needs root (or stage with --root DIR --no-chown)"
elif [ "$chown_files" = yes ]; then
    [ "$(id -u)" = 0 ] || fail "setting owners needs root: add --no-chown to stage as $(id -un)"
fi
if [ -n "$binary" ]; then
    if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then fail "--binary $binary is not an executable file"; fi
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repository=$(dirname "$here")
stage=${root%/}
changes=0

# What was done, one line each; `changes` counts what changed.
report() {
    echo "  $1"
    case "$1" in
        kept* | unchanged*) ;;
        *) changes=$((changes + 1)) ;;
    esac
}

# set_owner OWNER:GROUP PATH: only when owners are set, and only when they differ.
set_owner() {
    [ "$chown_files" = yes ] || return 0
    if [ "$(stat -c %U:%G "$2")" != "$1" ]; then
        chown "$1" "$2"
        report "owner of ${2#"$stage"} set to $1"
    fi
}

# set_mode MODE PATH: only when it differs.
set_mode() {
    if [ "$(stat -c %a "$2")" != "${1#0}" ]; then
        chmod "$1" "$2"
        report "mode of ${2#"$stage"} set to $1"
    fi
}

# system_directory PATH: created (0755) when missing; an existing one is the system's and left as it is.
system_directory() {
    if [ ! -d "$stage$1" ]; then
        mkdir -p "$stage$1"
        chmod 0755 "$stage$1"
        report "created $1/ (0755)"
    fi
}

# own_directory PATH MODE OWNER:GROUP: failoverd's own, with that mode and owner.
own_directory() {
    if [ -d "$stage$1" ]; then
        report "unchanged $1/"
    else
        mkdir -p "$stage$1"
        chmod "$2" "$stage$1"
        report "created $1/ ($2)"
    fi
    set_mode "$2" "$stage$1"
    set_owner "$3" "$stage$1"
}

# replace SOURCE PATH MODE: the file at PATH becomes SOURCE's content (renamed into place, so that a running
# binary is never written to), unless it is that already.
replace() {
    local target=$stage$2
    if [ -f "$target" ] && cmp -s "$1" "$target"; then
        report "unchanged $2"
    else
        local temporary
        temporary=$(mktemp "$target.XXXXXX")
        cat "$1" >"$temporary"
        chmod "$3" "$temporary"
        mv -f "$temporary" "$target"
        report "installed $2 ($3)"
    fi
    set_mode "$3" "$target"
    set_owner root:root "$target"
}

# keep_or_create SOURCE PATH: the operator's file once it exists (content, mode and owner are theirs).
keep_or_create() {
    local target=$stage$2
    if [ -e "$target" ]; then
        report "kept $2 (exists)"
        return
    fi
    local temporary
    temporary=$(mktemp "$target.XXXXXX")
    cat "$1" >"$temporary"
    chmod 0640 "$temporary"
    local owner=
    if [ "$chown_files" = yes ]; then
        chown root:failoverd "$temporary"
        owner=" root:failoverd"
    fi
    mv -n "$temporary" "$target"
    rm -f "$temporary"
    report "created $2 (0640$owner)"
}

if [ "$real_root" = no ] && [ "$chown_files" = yes ]; then
    getent passwd failoverd >/dev/null || fail "no user failoverd on this system to own the staged files: add --no-chown"
fi
if [ -z "$binary" ]; then
    echo "building a release binary: make release"
    make -C "$repository" release
    binary=$repository/.build/release/failoverd
fi

echo "installing failoverd into $root"
if [ "$real_root" = yes ]; then
    if ! getent group failoverd >/dev/null; then
        groupadd --system failoverd
        report "created system group failoverd"
    fi
    if ! getent passwd failoverd >/dev/null; then
        useradd --system --gid failoverd --no-create-home --home-dir /var/lib/failoverd \
            --shell /usr/sbin/nologin --comment "failoverd service" failoverd
        report "created system user failoverd"
    fi
fi

system_directory "$prefix/bin"
replace "$binary" "$prefix/bin/failoverd" 0755

unit=$(mktemp)
trap 'rm -f "$unit"' EXIT
sed "s#/usr/local/bin/failoverd#$prefix/bin/failoverd#g" "$here/failoverd.service" >"$unit"
system_directory /etc/systemd/system
replace "$unit" /etc/systemd/system/failoverd.service 0644

own_directory /etc/failoverd 0750 root:failoverd
keep_or_create "$here/failoverd.example.yml" /etc/failoverd/failoverd.yml
for token in webhook-token read-token admin-token; do
    keep_or_create /dev/null "/etc/failoverd/$token"
done
own_directory /var/lib/failoverd 0750 failoverd:failoverd

if [ "$changes" = 0 ]; then
    echo "nothing changed: failoverd is installed as it should be"
else
    echo "$changes change(s) made"
fi
cat <<EOF

Next steps:
  1. Put a token in each of /etc/failoverd/webhook-token, read-token and admin-token (one line each, e.g.
     openssl rand -hex 32), and give Alertmanager the webhook token (credentials_file).
  2. Edit /etc/failoverd/failoverd.yml: providers, runbooks; provider tokens go in /etc/failoverd/failoverd.env
     or token files beside the configuration (mode 0640, root:failoverd). Check it:
       $prefix/bin/failoverd check-config --config.file /etc/failoverd/failoverd.yml
  3. systemctl daemon-reload && systemctl enable --now failoverd   (after an upgrade: systemctl restart failoverd)
EOF
