#!/usr/bin/python3
"""A real client library against apexcore-sandbox (issue 9 §8): discord.py, Debian's python3-discord.

Usage: discord_py_client.py SANDBOX_JSON

Connects with the library's own HTTP and gateway code, then walks through what a shop bot does:
READY and the guild cache, command sync, a slash command answered with a select and a button
whose clicks the library routes back to its View, defer + follow-up + edit of the original
response, a channel message, a channel with permission overwrites, a role granted, a DM, and a
429 survived with the library's own retry logic. The sandbox's control API plays the members.

Prints one JSON line of findings and exits 0 when every step behaved as Discord's documentation
says; exits 1 with the failed step otherwise. Never reads outside what it is given.
"""
import asyncio
import json
import os
import sys
import traceback

if len(sys.argv) != 2:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
INFO = json.load(open(sys.argv[1]))
# The sandbox's TLS certificate is signed by its own CA: trust it the way OpenSSL reads it, before
# any SSL context exists.
os.environ["SSL_CERT_FILE"] = INFO["ca_file"]

import aiohttp  # noqa: E402  (after SSL_CERT_FILE)
import discord  # noqa: E402
from discord import app_commands  # noqa: E402

import yarl  # noqa: E402

# Where the library connects: the REST base and the gateway (discord.py 2.2 dials
# DEFAULT_GATEWAY for the first connection, READY's resume_gateway_url afterwards).
discord.http.Route.BASE = INFO["api_base"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(INFO["gateway_url"] + "/")

GUILD_ID = int(INFO["guild_id"])
CUSTOMER = INFO["customer_user_id"]
CONTROL = INFO["control_url"]
SHOP_CHANNEL = int(INFO["channel_ids"][0])
findings = {}


def check(condition, what):
    if not condition:
        raise AssertionError(what)


class ShopView(discord.ui.View):
    """A select then a button, routed back by discord.py's ViewStore from the clicked message."""

    def __init__(self):
        super().__init__(timeout=120)

    @discord.ui.select(custom_id="dpy:pick", placeholder="Pick a product",
                       options=[discord.SelectOption(label="Indie key", value="4"),
                                discord.SelectOption(label="VPN", value="5")])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select):
        findings["select_values"] = select.values
        await interaction.response.edit_message(content=f"Picked {select.values[0]}", view=self)

    @discord.ui.button(custom_id="dpy:buy", label="Buy", style=discord.ButtonStyle.success)
    async def buy(self, interaction: discord.Interaction, button: discord.ui.Button):
        findings["button_routed"] = True
        await interaction.response.defer(thinking=True, ephemeral=True)
        followup = await interaction.followup.send("Order #1 is paid.", ephemeral=True, wait=True)
        findings["followup_id"] = str(followup.id)
        original = await interaction.original_response()
        findings["original_id"] = str(original.id)
        await interaction.edit_original_response(content="Order #1 is paid (edited).")


class ShopClient(discord.Client):
    def __init__(self):
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)
        self.outcome = None

    async def setup_hook(self):
        guild = discord.Object(id=GUILD_ID)

        @self.tree.command(name="shop", description="Open the shop", guild=guild)
        async def shop(interaction: discord.Interaction):
            findings["command_locale"] = str(interaction.locale)
            await interaction.response.send_message("Welcome to the shop", view=ShopView())

        synced = await self.tree.sync(guild=guild)
        findings["synced_commands"] = [c.name for c in synced]

    async def on_ready(self):
        try:
            await self.walk()
            self.outcome = 0
        except Exception:  # a failed step: report it and exit 1
            findings["failed"] = traceback.format_exc(limit=3)
            self.outcome = 1
        await self.close()

    async def control(self, session, method, path, body=None):
        async with session.request(method, CONTROL + path, json=body) as r:
            return r.status, await r.json(content_type=None)

    async def walk(self):
        guild = self.get_guild(GUILD_ID)
        check(guild is not None, "READY + GUILD_CREATE: the guild is in the library's cache")
        findings["guild_name"] = guild.name
        findings["guild_channels"] = len(guild.text_channels)
        findings["guild_roles"] = sorted(r.name for r in guild.roles)
        check(guild.get_channel(SHOP_CHANNEL) is not None, "#shop is cached")
        check(guild.me is not None and guild.me.id == self.user.id, "the bot's own member is cached")

        async with aiohttp.ClientSession() as session:
            # A member runs /shop; the library answers with the View.
            status, answer = await self.control(session, "POST", "/_sandbox/commands",
                                                {"user_id": CUSTOMER, "name": "shop"})
            check(status == 200, f"/shop answered: {status} {answer}")
            message_id = answer["message_id"]
            rows = answer["response"]["data"]["components"]
            findings["custom_ids"] = [c["custom_id"] for row in rows for c in row["components"]]
            # A person takes a moment before clicking; discord.py stores the View only once its
            # callback request has returned, which can be after the sandbox answered us.
            await asyncio.sleep(1.0)
            # The member picks a product: routed to ShopView.pick, which edits the message.
            status, answer = await self.control(session, "POST", "/_sandbox/components",
                                                {"user_id": CUSTOMER, "message_id": message_id,
                                                 "custom_id": "dpy:pick", "values": ["4"]})
            check(status == 200, f"select answered: {status} {answer}")
            check(answer["response"]["type"] == 7, "the select updated the message (type 7)")
            await asyncio.sleep(1.0)
            # The member presses Buy: defer, follow-up, edit of the original.
            status, answer = await self.control(session, "POST", "/_sandbox/components",
                                                {"user_id": CUSTOMER, "message_id": message_id,
                                                 "custom_id": "dpy:buy"})
            check(status == 200, f"button answered: {status} {answer}")
            check(findings.get("button_routed"), "the click reached the View's button callback")
            await asyncio.sleep(1.0)  # the callback's follow-up and edit run after the ack
            check(findings.get("followup_id") == findings.get("original_id"),
                  "the first follow-up after a type-5 defer edited the loading message")
            status, original = await self.control(session, "GET", "/_sandbox/messages/" + findings["original_id"])
            check(status == 200 and original["content"] == "Order #1 is paid (edited).",
                  f"edit_original_response reached the message: {original}")

            # A message in #shop.
            sent = await guild.get_channel(SHOP_CHANNEL).send("Restocked: Indie key")
            findings["channel_message"] = str(sent.id)

            # A ticket channel with overwrites.
            member = await guild.fetch_member(int(CUSTOMER))
            ticket = await guild.create_text_channel(
                "Ticket 7", reason="ticket opened",
                overwrites={guild.default_role: discord.PermissionOverwrite(view_channel=False),
                            member: discord.PermissionOverwrite(view_channel=True, send_messages=True,
                                                                attach_files=True, read_message_history=True)})
            findings["ticket_channel"] = ticket.name
            status, state = await self.control(session, "GET", "/_sandbox/guild")
            created = [c for c in state["channels"] if c["id"] == str(ticket.id)]
            check(created and len(created[0]["permission_overwrites"]) == 2, "the overwrites reached the sandbox")

            # A role, granted with a reason.
            role = await guild.create_role(name="VIP Gold", reason="tier")
            await member.add_roles(role, reason="reached Gold")
            status, state = await self.control(session, "GET", "/_sandbox/guild")
            holder = [m for m in state["members"] if m["user_id"] == CUSTOMER][0]
            check(str(role.id) in holder["roles"], "the role was granted")

            # A DM.
            dm = await member.send("Your key: ABCD-1234")
            findings["dm_channel_type"] = str(dm.channel.type)

            # A 429 from the sandbox, retried by the library itself.
            status, _ = await self.control(session, "POST", "/_sandbox/faults",
                                           {"rest_429": {"count": 1, "retry_after": 0.3}})
            check(status == 200, "fault set")
            after = await guild.get_channel(SHOP_CHANNEL).send("After a 429")
            findings["after_429"] = str(after.id)
            status, stats = await self.control(session, "GET", "/_sandbox/stats")
            findings["rest_429_injected"] = stats["rest_429_injected"]
            findings["posts_repeated"] = stats["posts_repeated"]


async def main():
    client = ShopClient()
    try:
        await asyncio.wait_for(client.start(INFO["token"]), timeout=60)
    except asyncio.TimeoutError:
        findings["failed"] = "timed out after 60 s"
        client.outcome = 1
    print(json.dumps(findings))
    return client.outcome if client.outcome is not None else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
