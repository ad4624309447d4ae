#!/usr/bin/env bash
# Acts as a member of the apexcore-sandbox guild, through the sandbox's control API.
# Usage: scripts/sandbox-shop.sh topup AMOUNT | balance | transactions | profile | products | buy PRODUCT_VALUE [ANSWER...] | orders | order REFERENCE
#                                | pay PRODUCT_VALUE | proof REFERENCE FILE|https://LINK | review approve|reject REFERENCE [REASON]
#                                | deposit ANSWER
#                                | shop (staff post the shop panel)
#                                | help [customer|staff] | check [member] | state
#        scripts/sandbox-shop.sh panel | open TYPE ANSWER | say CHANNEL WHO TEXT | ticket CHANNEL WHO SUBCOMMAND [REASON]
#                                | history CHANNEL | dms        (tickets; WHO is customer, staff or visitor)
#        scripts/sandbox-shop.sh log orders|payments|audit|tickets|errors   (a log channel of the bot's config)
#        scripts/sandbox-shop.sh setup | staff "COMMAND [SUB]" [OPTIONS_JSON] | channel NAME
#                                (/setup run confirmed; any staff command, e.g. staff "stats summary" '{"days":7}';
#                                 the messages of a channel by name, e.g. channel orders-log)
#        scripts/sandbox-shop.sh roles | delete role|channel NAME
#                                (the guild's roles, highest first, with who holds each; the owner deletes one)
set -euo pipefail
cd "$(dirname "$0")/.."
info=${APEXCORE_SANDBOX_INFO:-.apexcore/sandbox/sandbox.json}  # another sandbox: its sandbox.json
[ -f "$info" ] || { echo "sandbox-shop: no sandbox running (start scripts/run-bot.sh first)" >&2; exit 1; }
control=$(jq -r .control_url "$info")
staff=$(jq -r .staff_user_id "$info")
customer=$(jq -r .customer_user_id "$info")
visitor=$(jq -r '.visitor_user_id // empty' "$info")
who() { case "$1" in customer) echo "$customer" ;; staff) echo "$staff" ;; visitor) echo "$visitor" ;; *) echo "$1" ;; esac; }
shop_channel=$(jq -r '.channel_ids[0]' "$info")

post() { curl -sS -X POST "$control$1" -H 'Content-Type: application/json' -d "$2"; }
show() {  # prints the bot's reply: content, embeds, attached files and components, readably
  jq -r '
    if .error then "error: " + .error else
    (if .deferred then .original else .response.data end) as $d |
    ($d.content // empty),
    ($d.embeds // [] | .[] | "[" + (.title // "") + "] " + (.description // "") ,
       (.fields // [] | .[] | "  " + .name + ": " + .value)),
    ($d.attachments // [] | .[] | "  <" + .filename + ", " + (.size | tostring) + " bytes>"),
    ($d.components // [] | .[].components[] |
       if .type == 3 then (.options[] | "  (" + .value + ") " + .label + " - " + (.description // ""))
       else "  [button] " + .label + (if .disabled then " (disabled)" else "" end) end)
    end'
}
# A stored message readably: its text, then each embed's title, description and fields.
message_lines='(if (.content // "") != "" then .content else empty end),
  (.embeds // [] | .[] | "[" + (.title // "") + "] " + (.description // ""), (.fields // [] | .[] | "    " + .name + ": " + .value))'
command() { post /_sandbox/commands "$(jq -n --arg u "$1" --arg n "$2" --argjson o "${3:-{\}}" '{user_id:$u,name:$n,options:$o}')"; }

case "${1:-}" in
  topup)
    [ -n "${2:-}" ] || { echo "usage: $0 topup AMOUNT" >&2; exit 2; }
    # /addbalance shows a preview; staff then press its Confirm button (nothing moves before)
    preview=$(command "$staff" addbalance "$(jq -n --arg c "$customer" --arg a "$2" '{user:$c,amount:$a}')")
    confirm=$(jq -r '.response.data.components[0].components[0].custom_id // empty' <<<"$preview")
    show <<<"$preview"
    [ -n "$confirm" ] || exit 0
    echo "  -> staff press Confirm credit:"
    post /_sandbox/components "$(jq -n --arg u "$staff" --arg m "$(jq -r .message_id <<<"$preview")" --arg c "$confirm" \
      '{user_id:$u,message_id:$m,custom_id:$c}')" | show ;;
  balance) command "$customer" balance | show ;;
  transactions) command "$customer" transactions | jq -r '.response.data.embeds[0] | "[" + .title + "] " + .description' ;;
  profile) command "$customer" profile | show ;;
  shop) command "$staff" "shop panel" | show ;;  # staff post the shop panel in #shop
  products) command "$customer" buy | show ;;
  orders) command "$customer" orders | show ;;
  help) command "$(who "${2:-customer}")" help | show ;;
  order)
    [ -n "${2:-}" ] || { echo "usage: $0 order REFERENCE   (see: $0 orders)" >&2; exit 2; }
    command "$customer" "order show" "$(jq -n --arg r "$2" '{reference:$r}')" | show ;;
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
    echo "--- Buy with wallet:"
    review=$(post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$message" --arg c "$button" \
      '{user_id:$u,message_id:$m,custom_id:$c}')")
    echo "$review" | show
    confirm=$(echo "$review" | jq -r '.response.data.components[0].components[0].custom_id // empty')
    [ -n "$confirm" ] || exit 1
    echo "--- Confirm:"
    answer=$(post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$message" --arg c "$confirm" \
      '{user_id:$u,message_id:$m,custom_id:$c}')")
    if [ "$(echo "$answer" | jq -r '.response.type')" = 9 ]; then  # the product's questions: answered with ANSWER...
      echo "$answer" | jq -r '"[form] " + .response.data.title + ": " + ([.response.data.components[]?.label // .response.data.components[]?.components[0].label] | join(" / "))'
      values=$(printf '%s\n' "${@:3}" | jq -R . | jq -s 'to_entries | map({key: ("q" + (.key|tostring)), value: .value}) | from_entries')
      post /_sandbox/modals "$(jq -n --arg u "$customer" --arg i "$(echo "$answer" | jq -r .interaction_id)" --argjson v "$values" \
        '{user_id:$u,interaction_id:$i,values:$v}')" | show
    else
      echo "$answer" | show
    fi ;;
  pay)  # the customer opens PRODUCT_VALUE's card and presses its first "Pay by …" button
    [ -n "${2:-}" ] || { echo "usage: $0 pay PRODUCT_VALUE   (see: $0 products)" >&2; exit 2; }
    card=$(command "$customer" buy "$(jq -n --arg p "$2" '{product:$p}')")
    message=$(echo "$card" | jq -r .message_id)
    button=$(echo "$card" | jq -r '[.response.data.components[]?.components[] | select((.label // "") | startswith("Pay by"))][0].custom_id // empty')
    [ -n "$button" ] || { echo "no \"Pay by\" button: the bot's config has no payments.methods" >&2; exit 1; }
    post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$message" --arg c "$button" '{user_id:$u,message_id:$m,custom_id:$c}')" | show ;;
  proof)  # /proof for REFERENCE: a https:// link, or a file name uploaded as a screenshot (PNG) or PDF
    [ -n "${3:-}" ] || { echo "usage: $0 proof REFERENCE FILE|https://LINK" >&2; exit 2; }
    case "$3" in
      https://*) options=$(jq -n --arg r "$2" --arg l "$3" '{reference:$r, link:$l}') ;;
      *.pdf) options=$(jq -n --arg r "$2" --arg f "$3" '{reference:$r, file:{filename:$f, size:48213, content_type:"application/pdf"}}') ;;
      *.png|*.jpg|*.jpeg|*.webp|*.gif)
        options=$(jq -n --arg r "$2" --arg f "$3" '{reference:$r, file:{filename:$f, size:48213, content_type:("image/" + ($f | split(".") | last | sub("jpg"; "jpeg")))}}') ;;
      *) options=$(jq -n --arg r "$2" --arg f "$3" '{reference:$r, file:{filename:$f, size:1200, content_type:"text/plain"}}') ;;
    esac
    command "$customer" proof "$options" | show ;;
  review)  # staff decide REFERENCE's proof from its post in the payments log channel
    [ -n "${3:-}" ] && { [ "$2" = approve ] || [ "$2" = reject ]; } || { echo "usage: $0 review approve|reject REFERENCE [REASON]" >&2; exit 2; }
    config=${APEXCORE_BOT_CONFIG:-.apexcore/sandbox-config.json}
    channel=$(jq -r '.log_channels.payments // empty' "$config")
    [ -n "$channel" ] || { echo "sandbox-shop: no payments log channel in $config" >&2; exit 1; }
    post_json=$(curl -sS "$control/_sandbox/channels/$channel/messages" |
      jq -c --arg t "Payment to check: order $3" '[.[] | select((.embeds[0].title // "") == $t)] | last // empty')
    [ -n "$post_json" ] || { echo "no proof of $3 waiting in the payments log" >&2; exit 1; }
    index=0; [ "$2" = reject ] && index=1
    pressed=$(post /_sandbox/components "$(jq -n --arg u "$staff" --arg m "$(echo "$post_json" | jq -r .id)" \
      --arg c "$(echo "$post_json" | jq -r ".components[0].components[$index].custom_id")" '{user_id:$u,message_id:$m,custom_id:$c}')")
    if [ "$2" = reject ]; then
      post /_sandbox/modals "$(jq -n --arg u "$staff" --arg i "$(echo "$pressed" | jq -r .interaction_id)" --arg r "${4:-The payment did not arrive}" \
        '{user_id:$u,interaction_id:$i,values:{reason:$r}}')" | show
    else
      echo "$pressed" | show
    fi ;;
  deposit)  # the customer runs /deposit and answers the deposit ticket's question
    [ -n "${2:-}" ] || { echo "usage: $0 deposit ANSWER   (e.g. \"25.00 by PayPal\")" >&2; exit 2; }
    form=$(command "$customer" deposit)
    post /_sandbox/modals "$(jq -n --arg u "$customer" --arg i "$(echo "$form" | jq -r .interaction_id)" --arg a "$2" \
      '{user_id:$u,interaction_id:$i,values:{q0:$a}}')" | show ;;
  check)  # /setup check as the shop's owner (staff), or as a member with "check member"
    if [ "${2:-}" = member ]; then who=$customer; else who=$staff; fi
    command "$who" "setup check" | show ;;
  panel) command "$staff" "ticket panel" | show ;;  # staff post the ticket panel in #shop
  open)  # the customer presses TYPE's button on the newest panel and answers its first question
    [ -n "${3:-}" ] || { echo "usage: $0 open TYPE ANSWER   (types: support order deposit refund warranty billing)" >&2; exit 2; }
    panel=$(curl -sS "$control/_sandbox/channels/$shop_channel/messages" |
      jq -r '[.[] | select(any(.components[]?.components[]?; (.custom_id // "") | startswith("tk:open:")))] | last | .id // empty')
    [ -n "$panel" ] || { echo "no ticket panel in #shop yet: run $0 panel" >&2; exit 1; }
    form=$(post /_sandbox/components "$(jq -n --arg u "$customer" --arg m "$panel" --arg c "tk:open:$2" '{user_id:$u,message_id:$m,custom_id:$c}')")
    echo "$form" | jq -r '"[form] " + (.response.data.title // .error // "?") + ": " + ([.response.data.components[]?.label] | join(" / "))'
    post /_sandbox/modals "$(jq -n --arg u "$customer" --arg i "$(echo "$form" | jq -r .interaction_id)" --arg a "$3"       '{user_id:$u,interaction_id:$i,values:{q0:$a}}')" | show ;;
  say)  # WHO posts TEXT in CHANNEL (refused where the channel's overwrites do not let them)
    [ -n "${4:-}" ] || { echo "usage: $0 say CHANNEL customer|staff|visitor TEXT" >&2; exit 2; }
    post "/_sandbox/channels/$2/messages" "$(jq -n --arg u "$(who "$3")" --arg t "$4" '{user_id:$u,content:$t}')" |
      jq -r 'if .error then "refused: " + .error else "posted: " + .content end' ;;
  ticket)  # /ticket SUBCOMMAND as WHO in CHANNEL, e.g. "ticket 123 staff claim", "ticket 123 staff close Solved"
    [ -n "${4:-}" ] || { echo "usage: $0 ticket CHANNEL customer|staff|visitor claim|unclaim|close|reopen|delete [REASON]" >&2; exit 2; }
    options='{}'
    [ "$4" = close ] && [ -n "${5:-}" ] && options=$(jq -n --arg r "$5" '{reason:$r}')
    post /_sandbox/commands "$(jq -n --arg u "$(who "$3")" --arg n "ticket $4" --arg c "$2" --argjson o "$options"       '{user_id:$u,name:$n,options:$o,channel_id:$c}')" | show ;;
  history) curl -sS "$control/_sandbox/channels/$2/messages" |
    jq -r '.[] | (.author.username + ": " + .content + ([.embeds[]? | " [" + (.title // "") + "]"] | join("")) +
                  ([.attachments[]? | " <" + .filename + ">"] | join("")))' ;;
  dms) curl -sS "$control/_sandbox/dms/$customer/messages" |
    jq -r ".messages[]? | $message_lines, ([.attachments[]? | \"  <\" + .filename + \">\"] | join(\"\"))" ;;
  log)  # the bot's posts in a log channel named in its config (scripts/run-bot.sh sets orders and payments)
    config=${APEXCORE_BOT_CONFIG:-.apexcore/sandbox-config.json}
    channel=$(jq -r --arg t "${2:-orders}" '.log_channels[$t] // empty' "$config" 2>/dev/null || true)
    [ -n "$channel" ] || { echo "sandbox-shop: no '${2:-orders}' log channel in $config" >&2; exit 1; }
    curl -sS "$control/_sandbox/channels/$channel/messages" | jq -r ".[] | $message_lines" ;;
  setup)  # staff run /setup run and press "Set up the shop" on its preview
    preview=$(command "$staff" "setup run")
    echo "$preview" | show
    go=$(echo "$preview" | jq -r '(if .deferred then .original else .response.data end).components[0].components[0].custom_id // empty')
    [ -n "$go" ] || exit 1
    echo "--- pressed: Set up the shop"
    post /_sandbox/components "$(jq -n --arg u "$staff" --arg m "$(echo "$preview" | jq -r .message_id)" --arg c "$go" \
      '{user_id:$u,message_id:$m,custom_id:$c}')" | show ;;
  staff)  # any staff command with its options as JSON, e.g. staff "stats summary" '{"days":7}'
    [ -n "${2:-}" ] || { echo "usage: $0 staff \"COMMAND [SUB]\" ['{\"option\":value}']" >&2; exit 2; }
    command "$staff" "$2" "${3:-{\}}" | show ;;
  channel)  # the messages of the guild's channel NAME (e.g. one /setup run made: orders-log, storefront)
    id=$(curl -sS "$control/_sandbox/guild" | jq -r --arg n "${2:-}" '.channels[] | select(.name == $n) | .id' | head -1)
    [ -n "$id" ] || { echo "sandbox-shop: no channel named '${2:-}'" >&2; exit 1; }
    curl -sS "$control/_sandbox/channels/$id/messages" | jq -r ".[] | $message_lines" ;;
  roles)  # the guild's roles, highest first: position, name, id and the members holding each
    curl -sS "$control/_sandbox/guild" | jq -r '.members as $m | .roles | sort_by(-.position) | .[] |
      . as $r | "\(.position)  \(.name)  <\(.id)>\(if .managed then "  (the bot'"'"'s role)" else "" end)  " +
      ([$m[] | select(.roles | index($r.id)) | .username] | join(", "))' ;;
  delete)  # the owner deletes the role or channel NAME in Discord's client
    case "${2:-}" in role) kind=roles ;; channel) kind=channels ;; *) echo "usage: $0 delete role|channel NAME" >&2; exit 2 ;; esac
    id=$(curl -sS "$control/_sandbox/guild" | jq -r --arg k "$kind" --arg n "${3:-}" '.[$k][] | select(.name == $n) | .id' | head -1)
    [ -n "$id" ] || { echo "sandbox-shop: no ${2} named '${3:-}'" >&2; exit 1; }
    post "/_sandbox/$kind/$id/delete" '{}' | jq -c . ;;
  state) curl -sS "$control/_sandbox/state" | jq . ;;
  *) echo "usage: $0 topup AMOUNT | balance | transactions | profile | products | buy PRODUCT_VALUE [ANSWER...] | orders | order REFERENCE | shop | help [customer|staff] | check [member] | state" >&2
     echo "       $0 pay PRODUCT_VALUE | proof REFERENCE FILE|https://LINK | review approve|reject REFERENCE [REASON] | deposit ANSWER" >&2
     echo "       $0 panel | open TYPE ANSWER | say CHANNEL WHO TEXT | ticket CHANNEL WHO SUBCOMMAND [REASON] | history CHANNEL | dms" >&2
     echo "       $0 log orders|payments|audit|tickets|errors | setup | staff \"COMMAND [SUB]\" [OPTIONS_JSON] | channel NAME" >&2
     echo "       $0 roles | delete role|channel NAME" >&2
     exit 2 ;;
esac
