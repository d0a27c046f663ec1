#!/bin/sh
# bt386's answer to a bad command line or an unusable kernel: exit status 2,
# exactly one line on stderr starting "bt386: ", nothing on stdout (the
# guest's console).
#   bad_inputs.sh BT386
set -u
bt=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect_user_error WHAT ARGS...: bt386 ARGS must fail as a user error.
expect_user_error() {
    what=$1
    shift
    "$bt" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" = 2 ] && [ "$lines" = 1 ] && [ ! -s "$tmp/out" ] &&
       grep -q '^bt386: ' "$tmp/err"; then
        echo "ok   $what: $(cat "$tmp/err")"
    else
        echo "FAIL $what: exit $rc (want 2), $lines stderr lines (want 1):"
        sed 's/^/     err: /' "$tmp/err"
        sed 's/^/     out: /' "$tmp/out"
        failed=$((failed + 1))
    fi
}

printf 'this is a text file, not a kernel\n' >"$tmp/text.txt"
mkdir "$tmp/dir"

expect_user_error "missing kernel file" "$tmp/no-such-kernel"
expect_user_error "a text file as kernel" "$tmp/text.txt"
expect_user_error "an x86-64 ELF without a Multiboot header" "$bt"
expect_user_error "a directory as kernel" "$tmp/dir"
expect_user_error "-m 1K" -m 1K "$tmp/text.txt"
expect_user_error "-m 4G" -m 4G "$tmp/text.txt"
expect_user_error "-m not a size" -m lots "$tmp/text.txt"
expect_user_error "-m without its argument" "$tmp/text.txt" -m
expect_user_error "unknown option" --foo "$tmp/text.txt"
expect_user_error "no kernel" --stats
expect_user_error "two kernels" "$tmp/text.txt" "$tmp/text.txt"

"$bt" --help </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 0 ] && grep -q '^usage: bt386' "$tmp/out" && [ ! -s "$tmp/err" ]; then
    echo "ok   --help: usage on stdout, exit 0"
else
    echo "FAIL --help: exit $rc, stdout/stderr:"; cat "$tmp/out" "$tmp/err"
    failed=$((failed + 1))
fi

echo "failed $failed"
[ "$failed" = 0 ]
