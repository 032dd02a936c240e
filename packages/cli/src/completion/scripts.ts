/**
 * The shell scripts `gantry completion <shell>` prints. Each one only asks gantry: on every Tab it
 * runs `<the gantry typed> __complete -- <words after gantry…> <current word>` and offers what comes
 * back — `value[\tdescription]` lines, then `:<directive>` (cobra's protocol, candidates.ts). So
 * commands, flags and engine names always match the gantry being run, with nothing generated.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

// Works with bash >= 4 and without the bash-completion package. Words are re-read from COMP_LINE
// (when bash provides it) so `busybox:lat` or `--format=js` are one word, as gantry sees them; the
// part before the last `:` / `=` is then cut from each reply, since bash replaces only after it.
const BASH = `# bash completion for gantry. Load it with:  source <(gantry completion bash)
_gantry() {
    local -a words
    if [[ -n \${COMP_LINE-} && -n \${COMP_POINT-} ]]; then
        read -r -a words <<< "\${COMP_LINE:0:COMP_POINT}"
        [[ \${COMP_LINE:0:COMP_POINT} == *[[:space:]] ]] && words+=("")
    else
        words=("\${COMP_WORDS[@]:0:COMP_CWORD+1}")
    fi
    local cur=\${words[\${#words[@]}-1]}
    local out
    out=$("\${words[0]}" __complete -- "\${words[@]:1}" 2>/dev/null) || return 0
    local directive=\${out##*:}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    COMPREPLY=()
    local line
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        COMPREPLY+=("\${line%%$'\\t'*}")
    done <<< "$out"
    if [[ $cur == *[:=]* ]]; then
        local prefix=\${cur%"\${cur##*[:=]}"}
        COMPREPLY=("\${COMPREPLY[@]#"$prefix"}")
    fi
    (( directive & 2 )) && compopt -o nospace 2>/dev/null
    (( directive & 4 )) && compopt +o default 2>/dev/null
    return 0
}
complete -o default -F _gantry gantry
`;

const ZSH = `#compdef gantry
# zsh completion for gantry. Load it with:  source <(gantry completion zsh)   (after compinit)
_gantry() {
    local -a lines candidates
    local out directive line
    out=$(\${words[1]} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${\${lines[-1]}#:}
    [[ $directive == <-> ]] || directive=0
    for line in "\${(@)lines[1,-2]}"; do
        [[ -z $line ]] && continue
        if [[ $line == *$'\\t'* ]]; then
            candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
        else
            candidates+=("\${line//:/\\\\:}")
        fi
    done
    if (( \${#candidates} > 0 )); then
        if (( directive & 2 )); then _describe -t gantry 'gantry' candidates -S ''
        else _describe -t gantry 'gantry' candidates
        fi
    elif (( ! (directive & 4) )); then
        _files
    fi
}
if [[ $funcstack[1] == _gantry ]]; then _gantry "$@"; else compdef _gantry gantry; fi
`;

// fish asks once per Tab for the candidates and once whether files apply: the answer for the
// current command line is kept, so gantry runs once.
const FISH = `# fish completion for gantry. Load it with:  gantry completion fish | source
function __gantry_ask
    set -l line (commandline -cp)
    if test "$line" = "$__gantry_line"
        return
    end
    set -g __gantry_line $line
    set -l words (commandline -opc)
    set -l program $words[1]
    set -e words[1]
    set -l out ($program __complete -- $words (commandline -ct) 2>/dev/null)
    test (count $out) -gt 0; or set out ':0'
    set -g __gantry_directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    set -g __gantry_candidates $out
end
function __gantry_candidates
    __gantry_ask
    printf '%s\\n' $__gantry_candidates
end
function __gantry_wants_files
    __gantry_ask
    test (count $__gantry_candidates) -eq 0
    and test (math --scale=0 "bitand($__gantry_directive, 4)") -eq 0
end
complete -c gantry -e
complete -c gantry -f -a '(__gantry_candidates)'
complete -c gantry -n __gantry_wants_files -F
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
