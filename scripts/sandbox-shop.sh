#!/usr/bin/env bash
# Acts as a member of the apexcore-sandbox guild, through the sandbox's control API.
# Usage: scripts/sandbox-shop.sh topup AMOUNT | balance | products | buy PRODUCT_VALUE | check [member] | state
set -euo pipefail
cd "$(dirname "$0")/.."
info=${APEXCORE_SANDBOX_INFO:-.apexcore/sandbox/sandbox.json}  # another sandbox: its sandbox.json
[ -f "$info" ] || { echo "sandbox-shop: no sandbox running (start scripts/run-bot.sh first)" >&2; exit 1; }
control=$(jq -r .control_url "$info")
staff=$(jq -r .staff_user_id "$info")
customer=$(jq -r .customer_user_id "$info")

post() { curl -sS -X POST "$control$1" -H 'Content-Type: application/json' -d "$2"; }
show() {  # prints the bot's reply: content, embeds and components, readably
  jq -r '
    if .error then "error: " + .error else
    (.response.data.content // empty),
    (.response.data.embeds // [] | .[] | "[" + (.title // "") + "] " + (.description // "") ,
       (.fields // [] | .[] | "  " + .name + ": " + .value)),
    (.response.data.components // [] | .[].components[] |
       if .type == 3 then (.options[] | "  (" + .value + ") " + .label + " - " + (.description // ""))
       else "  [button] " + .label + (if .disabled then " (disabled)" else "" end) end)
    end'
}
command() { post /_sandbox/commands "$(jq -n --arg u "$1" --arg n "$2" --argjson o "${3:-{\}}" '{user_id:$u,name:$n,options:$o}')"; }

case "${1:-}" in
  topup)
    [ -n "${2:-}" ] || { echo "usage: $0 topup AMOUNT" >&2; exit 2; }
    command "$staff" addbalance "$(jq -n --arg c "$customer" --arg a "$2" '{user:$c,amount:$a}')" | show ;;
  balance) command "$customer" balance | show ;;
  products) command "$customer" buy | show ;;
  buy)
    [ -n "${2:-}" ] || { echo "usage: $0 buy PRODUCT_VALUE   (see: $0 products)" >&2; exit 2; }
    menu=$(command "$customer" buy)
    message=$(echo "$menu" | jq -r .message_id)
    select_id=$(echo "$menu" | jq -r '.response.data.components[0].components[0].custom_id')
    card=$(post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$message" --arg c "$select_id" --arg v "$2" \
      '{user_id:$u,message_id:$m,custom_id:$c,values:[$v]}')")
    echo "$card" | show
    button=$(echo "$card" | jq -r '.response.data.components[0].components[0].custom_id // empty')
    [ -n "$button" ] || exit 1
    post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$message" --arg c "$button" \
      '{user_id:$u,message_id:$m,custom_id:$c}')" | show ;;
  check)  # /setup check as the shop's owner (staff), or as a member with "check member"
    if [ "${2:-}" = member ]; then who=$customer; else who=$staff; fi
    command "$who" "setup check" | show ;;
  state) curl -sS "$control/_sandbox/state" | jq . ;;
  *) echo "usage: $0 topup AMOUNT | balance | products | buy PRODUCT_VALUE | check [member] | state" >&2; exit 2 ;;
esac
