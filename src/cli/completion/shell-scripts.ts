// The completion scripts `pogo completion bash|zsh|fish` prints: thin shims that ask `pogo __complete`.

/** Shells Pogo writes completion for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Each script hands the words up to the cursor to `pogo __complete SHELL -- WORDS…` and reads back one
 * directive line (`words` or `files`) followed by candidates, one a line; errors are silent.
 */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return `# pogo completion for bash. Load it with: source <(pogo completion bash)
# or install it: pogo completion bash > /etc/bash_completion.d/pogo
_pogo_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local -a lines
  mapfile -t lines < <(pogo __complete bash -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ \${lines[0]} == files ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  else
    COMPREPLY=("\${lines[@]:1}")
  fi
}
complete -o filenames -F _pogo_complete pogo
`;
    case 'zsh':
      return `#compdef pogo
# pogo completion for zsh. Load it with: source <(pogo completion zsh)   (after compinit)
# or install it as _pogo in a directory of $fpath.
_pogo() {
  local -a lines
  lines=("\${(@f)$(pogo __complete zsh -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ \${lines[1]} == files ]]; then
    _files
  else
    compadd -Q -- "\${(@)lines[2,-1]}"
  fi
}
if [[ \${funcstack[1]} == _pogo ]]; then
  _pogo "$@"
else
  compdef _pogo pogo
fi
`;
    case 'fish':
      return `# pogo completion for fish. Load it with: pogo completion fish | source
# or install it: pogo completion fish > ~/.config/fish/completions/pogo.fish
function __pogo_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l lines (pogo __complete fish -- $words[2..-1] 2>/dev/null)
    if test "$lines[1]" = files
        __fish_complete_path (commandline -ct)
    else if test (count $lines) -gt 1
        printf '%s\\n' $lines[2..-1]
    end
end
complete -c pogo -f -a '(__pogo_complete)'
`;
  }
}
