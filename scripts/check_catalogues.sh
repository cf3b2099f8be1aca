#!/usr/bin/env bash
# The Russian catalogues are complete and the committed .mo files are what they compile to.
#
#   scripts/check_catalogues.sh        (or: make messages-check)
#
# 1. compilemessages from the committed .po files: every .mo must equal the committed one
#    (git diff), and none may be missing from git (an untracked .mo).
# 2. makemessages -l ru over the code (django domain: templates and Python; djangojs:
#    the static scripts, vendored libraries excluded): every msgid the code uses must be
#    in its catalogue, translated and not fuzzy. Each missing, untranslated or fuzzy entry
#    is listed with where it is used.
# The working tree is left as it was: the .po files makemessages rewrote are put back.
# Installs nothing: needs GNU gettext (msgfmt, msgattrib) on PATH (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
for tool in msgfmt msgattrib msgmerge xgettext; do
  command -v "$tool" >/dev/null || { echo "check_catalogues: $tool is missing (install GNU gettext)" >&2; exit 2; }
done

list_catalogues() {
  git ls-files --cached --others --exclude-standard -- \
    '*/locale/ru/LC_MESSAGES/*.po' 'locale/ru/LC_MESSAGES/*.po' \
    '*/locale/ru/LC_MESSAGES/*.mo' 'locale/ru/LC_MESSAGES/*.mo'
}
mapfile -t catalogues < <(list_catalogues)
backup="$(mktemp -d)"
restore() {
  for po in "${catalogues[@]}"; do cp "$backup/$po" "$po"; done
  # A catalogue makemessages or compilemessages created where there was none goes too.
  while read -r po; do
    [ -f "$backup/$po" ] || rm -f "$po"
  done < <(list_catalogues)
  rm -rf "$backup"
}
for po in "${catalogues[@]}"; do mkdir -p "$backup/$(dirname "$po")"; cp "$po" "$backup/$po"; done
trap restore EXIT
failed=0

echo "== compiled catalogues (.mo) match the committed ones"
"$PYTHON" manage.py compilemessages -l ru --ignore=.venv --ignore=var >/dev/null
stale="$(git diff --name-only -- '*.mo')"
missing="$(git ls-files --others --exclude-standard -- '*.mo')"
if [ -n "$stale$missing" ]; then
  [ -n "$stale" ] && printf 'differs from its .po (run: make messages, commit the .mo):\n%s\n' "$stale"
  [ -n "$missing" ] && printf 'not committed:\n%s\n' "$missing"
  failed=1
fi

echo "== every string of the code is translated in the ru catalogues"
"$PYTHON" manage.py makemessages -l ru -v0 --no-obsolete \
  --ignore=tests --ignore=bench --ignore=scripts --ignore=static --ignore=var
"$PYTHON" manage.py makemessages -d djangojs -l ru -v0 --no-obsolete \
  --ignore=static/vendor --ignore=var --ignore=tests --ignore=bench --ignore=scripts
mapfile -t now < <(list_catalogues)
for po in "${now[@]}"; do
  [[ "$po" == *.po && -f "$po" ]] || continue
  untranslated="$(msgattrib --untranslated --no-obsolete --no-wrap "$po" | grep -v '^#, fuzzy$' || true)"
  fuzzy="$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$po" | sed '1,/^$/d' || true)"
  # Entries other than the header carry a "#:" reference: count those.
  if grep -q '^#: ' <<<"$untranslated$fuzzy"; then
    echo "--- $po: untranslated or fuzzy entries"
    grep -q '^#: ' <<<"$untranslated" && sed '1,/^$/d' <<<"$untranslated"
    grep -q '^#: ' <<<"$fuzzy" && printf '(fuzzy)\n%s\n' "$fuzzy"
    failed=1
  fi
  # msgattrib counts a plural entry as translated when only some forms are: msgfmt does not.
  stats="$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)"
  if grep -Eq 'untranslated|fuzzy' <<<"$stats"; then
    echo "--- $po: $stats"
    failed=1
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "check_catalogues: FAILED (see README, 'Translations')" >&2
  exit 1
fi
echo "check_catalogues: every ru catalogue is complete and compiled"
