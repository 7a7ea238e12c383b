#!/usr/bin/env bash
# The GitHub Action's logic (action.yml calls it; tests/it/action.rs runs it
# with a fake cdocheck). Inputs arrive in the environment, never pasted into
# the script, and are never word-split by the shell nor globbed:
#
#   action.sh install   find cdocheck: a release asset for this runner when
#                       the action is used at a version tag, else say that it
#                       must be built (action.yml then restores the cache or
#                       runs `action.sh build`); puts its folder on GITHUB_PATH
#   action.sh build     cargo install the action's own source into that folder
#   action.sh check     run `cdocheck check` with the inputs
#
# Inputs of `check`:
#   CDOCHECK_INPUT_PATHS        one path per line (blank lines skipped, spaces
#                               at either end trimmed; nothing else changes)
#   CDOCHECK_INPUT_ARGS         more arguments, split as shell words: quotes
#                               '…' and "…" and backslashes work as in a shell;
#                               nothing is expanded ($VAR, $(…), `…`, *, ~ stay
#                               as written)
#   CDOCHECK_INPUT_SARIF        "true": also write the SARIF report
#   CDOCHECK_INPUT_SARIF_FILE   where (default cdocheck.sarif)
#   CDOCHECK_INPUT_JOB_SUMMARY  "false": no job summary
set -euo pipefail
# Belt and braces: nothing below expands a glob, even by mistake.
set -f

die() {
    # A workflow command, so the problem shows on the run's page; the text
    # is ours, never an input's.
    echo "::error title=cdocheck action::$1" >&2
    exit 2
}

# "true" or "false", or the run stops: a typo must not silently turn an
# upload on or off.
boolean() {
    case "$2" in
    true | false) printf '%s' "$2" ;;
    *) die "the input '$1' must be true or false" ;;
    esac
}

# Splits $1 into shell words, without any expansion, into the array WORDS.
# Outside quotes, blanks separate words and a backslash takes the next
# character as it is; inside '…' every character is itself; inside "…" a
# backslash escapes only " \ $ ` and a line break, as in a shell.
split_words() {
    local s=$1 n=${#1} i=0 c word="" inword=0 quote=""
    WORDS=()
    while ((i < n)); do
        c=${s:i:1}
        i=$((i + 1))
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=""; else word+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=""
            elif [[ $c == "\\" && $i -lt $n ]]; then
                c=${s:i:1}
                i=$((i + 1))
                case $c in
                '"' | "\\" | '$' | '`') word+=$c ;;
                $'\n') ;;
                *) word+="\\$c" ;;
                esac
            else
                word+=$c
            fi
        else
            case $c in
            ' ' | $'\t' | $'\n' | $'\r')
                if ((inword)); then WORDS+=("$word"); fi
                word=""
                inword=0
                ;;
            "'" | '"')
                quote=$c
                inword=1
                ;;
            "\\")
                if ((i < n)); then
                    c=${s:i:1}
                    i=$((i + 1))
                    # A backslash before a line break joins the lines.
                    if [[ $c != $'\n' ]]; then
                        word+=$c
                        inword=1
                    fi
                fi
                ;;
            *)
                word+=$c
                inword=1
                ;;
            esac
        fi
    done
    if [[ -n $quote ]]; then
        die "the input 'args' has an unmatched $quote quote"
    fi
    if ((inword)); then WORDS+=("$word"); fi
}

# One path per line into the array PATHS_IN.
split_lines() {
    local line
    PATHS_IN=()
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%$'\r'}
        # Trim blanks at either end (YAML block scalars leave some).
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        if [[ -n $line ]]; then PATHS_IN+=("$line"); fi
    done <<<"$1"
}

cmd_check() {
    local sarif summary file
    sarif=$(boolean sarif "${CDOCHECK_INPUT_SARIF:-false}")
    summary=$(boolean job-summary "${CDOCHECK_INPUT_JOB_SUMMARY:-true}")
    file=${CDOCHECK_INPUT_SARIF_FILE:-cdocheck.sarif}
    split_lines "${CDOCHECK_INPUT_PATHS:-}"
    split_words "${CDOCHECK_INPUT_ARGS:-}"

    local -a cmd=(cdocheck check --format github)
    if [[ $sarif == true ]]; then
        cmd+=(--output "sarif=$file")
    fi
    local dashes=0 w
    for w in ${WORDS[@]+"${WORDS[@]}"}; do
        cmd+=("$w")
        if [[ $w == "--" ]]; then dashes=1; fi
    done
    if ((${#PATHS_IN[@]} > 0)); then
        # After `--`, a path that starts with `-` is still a path.
        if ((!dashes)); then cmd+=(--); fi
        cmd+=("${PATHS_IN[@]}")
    fi
    if [[ $summary == false ]]; then
        unset GITHUB_STEP_SUMMARY
    fi
    # The command, quoted (%q), so no argument can start a line of its own
    # and be read as a workflow command.
    printf 'cdocheck action: running'
    printf ' %q' "${cmd[@]}"
    printf '\n'
    exec "${cmd[@]}"
}

# The Rust target a release asset is built for on this runner.
target() {
    case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
    esac
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum | cut -d' ' -f1
    else
        shasum -a 256 | cut -d' ' -f1
    fi
}

# What the built binary depends on: the build cache is keyed on it as well as
# on the ref, so a moving branch never serves an old binary.
source_hash() {
    local root=$1
    (
        cd "$root"
        find Cargo.toml Cargo.lock src rules messages -type f 2>/dev/null | LC_ALL=C sort |
            while IFS= read -r f; do
                printf '%s\n' "$f"
                cat "$f"
            done
    ) | sha256
}

output() {
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

# Tries the release asset `cdocheck-REF-TARGET.tar.gz` and its `.sha256`;
# succeeds only when both download and the checksum matches.
download() {
    local repo=$1 ref=$2 target=$3 root=$4 tmp name url sum
    name="cdocheck-$ref-$target.tar.gz"
    url="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$ref/$name"
    tmp=$(mktemp -d)
    if ! curl -fsSL --retry 3 -o "$tmp/$name" "$url" ||
        ! curl -fsSL --retry 3 -o "$tmp/$name.sha256" "$url.sha256"; then
        rm -rf "$tmp"
        return 1
    fi
    sum=$(sha256 <"$tmp/$name")
    if [[ $sum != "$(cut -d' ' -f1 <"$tmp/$name.sha256")" ]]; then
        echo "::warning title=cdocheck action::$name does not match its checksum; building from source instead"
        rm -rf "$tmp"
        return 1
    fi
    mkdir -p "$root/bin"
    tar -xzf "$tmp/$name" -C "$root/bin"
    rm -rf "$tmp"
    [[ -x $root/bin/cdocheck || -x $root/bin/cdocheck.exe ]]
}

cmd_install() {
    local action=${CDOCHECK_ACTION_PATH:?} ref=${CDOCHECK_ACTION_REF:-}
    local repo=${CDOCHECK_ACTION_REPOSITORY:-} target root
    target=$(target)
    root=${CDOCHECK_INSTALL_ROOT:-${RUNNER_TEMP:-$HOME}/cdocheck-action}
    mkdir -p "$root/bin"
    if [[ -n ${GITHUB_PATH:-} ]]; then
        printf '%s\n' "$root/bin" >>"$GITHUB_PATH"
    fi
    output root "$root"
    # Only a version tag names a release; a branch or a commit is built.
    if [[ $ref == v[0-9]* && -n $repo && -n $target ]] &&
        download "$repo" "$ref" "$target" "$root"; then
        echo "cdocheck action: installed the release asset for $target"
        output found true
        return
    fi
    echo "cdocheck action: no release asset for this runner and ref; it is built from source once and cached"
    output found false
    output cache-key "cdocheck-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-${ref:-noref}-$(source_hash "$action")"
}

cmd_build() {
    local action=${CDOCHECK_ACTION_PATH:?} root
    root=${CDOCHECK_INSTALL_ROOT:-${RUNNER_TEMP:-$HOME}/cdocheck-action}
    if ! command -v cargo >/dev/null 2>&1; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    fi
    cargo install --locked --path "$action" --root "$root"
}

case "${1:-}" in
check) cmd_check ;;
install) cmd_install ;;
build) cmd_build ;;
*) die "usage: action.sh check|install|build" ;;
esac
