# Helpers for the Packages/*/demo scripts (sourced): run a command while logging it (paths relative to the
# repository) into commands.txt, and escape text for HTML.
log=commands.txt
: > "$log"
run() { echo "\$ $*" | sed "s#$FJORD_ROOT/##g" >> "$log"; bash -o pipefail -c "$*"; }
esc() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
# A reproduce's tables as HTML (its tables.html), then its whole text output folded under them.
tables() { cat tables.html; echo '<details><summary>The text output</summary><pre>'; esc < "$1"; echo '</pre></details>'; }
