#!/usr/bin/env bash
# Checks netcost's zsh and fish completion scripts in the real shells (the bash script is
# checked by `swift test`, in CompletionTests). Needs zsh and fish (apt-get install zsh fish).
# Usage: scripts/check_completions.sh [path/to/netcost]    (default: .build/debug/netcost)
# Each line: the command line typed, then what Tab gave; a mismatch is marked FAIL.
set -uo pipefail
binary=$(realpath "${1:-.build/debug/netcost}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/files" && ln -s "$binary" "$work/bin/netcost"
touch "$work/files/trace.json" "$work/files/tree.onnx"
export PATH="$work/bin:$PATH"
failures=0

check() {  # shell, typed, expected, got
    if [[ "$4" == "$3" ]]; then echo "ok    $1: '$2' -> $4"; else echo "FAIL  $1: '$2' -> '$4', expected '$3'"; failures=$((failures + 1)); fi
}

# The cases: what is typed before Tab, and the matches, sorted, space-separated.
cases=(
    "netcost rep|report"
    "netcost report --for|--format"
    "netcost report --format |csv html json markdown svg text"
    "netcost report --sort |flops macs memory params"
    "netcost report mobilenet_v|mobilenet_v1 mobilenet_v2"
    "netcost bench --tr|--trace"
    "netcost report -o $work/files/tr|$work/files/trace.json $work/files/tree.onnx"
    "netcost experiment |all g1 g2 g3 g4"
    "netcost completions |bash fish zsh"
)

# fish: `complete -C` lists what Tab offers, one match a line, with its description after a tab.
netcost completions fish > "$work/netcost.fish"
for entry in "${cases[@]}"; do
    typed=${entry%%|*} expected=${entry#*|}
    got=$(fish --no-config -c "source $work/netcost.fish; complete -C '$typed'" | cut -f1 | sort | xargs)
    check fish "$typed" "$expected" "$got"
done

# zsh: an interactive zsh in a pseudo-terminal (zpty) presses Tab; compadd, wrapped,
# writes down the matches it is handed that fit the word (-A), before adding them.
netcost completions zsh > "$work/_netcost"
cat > "$work/tab.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z "zsh -f -i"
zpty -w z "fpath=($WORK \$fpath); autoload -Uz compinit; compinit -u -D; PS1=''"
zpty -w z 'compadd() { if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return; fi; local -a found; builtin compadd -A found "$@"; print -rl -- $found >> $MATCHES; builtin compadd "$@"; }'
sleep 0.5
zpty -w -n z "$TYPED"$'\t'
sleep 1
zpty -d z
ZSH
for entry in "${cases[@]}"; do
    typed=${entry%%|*} expected=${entry#*|}
    : > "$work/matches"
    TYPED="$typed" WORK="$work" MATCHES="$work/matches" zsh -f "$work/tab.zsh"
    got=$(sort -u "$work/matches" | xargs)
    # Files are matched by name inside their directory.
    [[ $typed == *" $work/files/"* ]] && expected=$(echo "$expected" | sed "s|$work/files/||g")
    check zsh "$typed" "$expected" "$got"
done

echo "$failures failures"
exit $((failures > 0))
