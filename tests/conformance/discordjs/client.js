#!/usr/bin/env node
// A real client library against apexcore-sandbox (issue 9 §8): discord.js 14 from npm on
// Debian's Node.js. Usage: node client.js SANDBOX_JSON  (with NODE_EXTRA_CA_CERTS=<sandbox CA>)
//
// The library's own REST and gateway code walks through a shop bot's day: READY and the guild
// cache, command sync, a slash command answered with a select and a button whose clicks come back
// as interactions on the message, deferReply + followUp + editReply (which discord.js sends to
// `messages/%40original`), a channel message, a channel with permission overwrites, a role
// granted, a DM, and a 429 survived by the library's own retry logic. The sandbox's control API
// plays the members. Prints one JSON line of findings; exit 0 when every step behaved.
'use strict';

const fs = require('node:fs');
const {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType, Client, Events, GatewayIntentBits,
  MessageFlags, OverwriteType, PermissionFlagsBits, StringSelectMenuBuilder,
} = require('discord.js');

if (process.argv.length !== 3) {
  console.error('usage: node client.js SANDBOX_JSON');
  process.exit(2);
}
const info = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const findings = {};
const customer = info.customer_user_id;
const shopChannel = info.channel_ids[0];

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function control(method, path, body) {
  const res = await fetch(info.control_url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// REST: the sandbox's API root (discord.js appends /v10 itself).
const apiRoot = info.api_base.replace(/\/v10$/, '');
const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiRoot, version: '10' } });

client.on(Events.InteractionCreate, async (interaction) => {
  try {
    if (interaction.isChatInputCommand() && interaction.commandName === 'shop') {
      findings.command_locale = interaction.locale;
      const select = new StringSelectMenuBuilder().setCustomId('djs:pick').setPlaceholder('Pick a product')
        .addOptions({ label: 'Indie key', value: '4' }, { label: 'VPN', value: '5' });
      const buy = new ButtonBuilder().setCustomId('djs:buy').setLabel('Buy').setStyle(ButtonStyle.Success);
      await interaction.reply({
        content: 'Welcome to the shop',
        components: [new ActionRowBuilder().addComponents(select), new ActionRowBuilder().addComponents(buy)],
      });
    } else if (interaction.isStringSelectMenu() && interaction.customId === 'djs:pick') {
      findings.select_values = interaction.values;
      findings.select_message_routed = interaction.message.id;
      await interaction.update({ content: `Picked ${interaction.values[0]}` });
    } else if (interaction.isButton() && interaction.customId === 'djs:buy') {
      findings.button_routed = true;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const followup = await interaction.followUp({ content: 'Order #1 is paid.', flags: MessageFlags.Ephemeral });
      findings.followup_id = followup.id;
      const edited = await interaction.editReply('Order #1 is paid (edited).');
      findings.original_id = edited.id;
    }
  } catch (e) {
    findings.handler_error = String(e && e.stack ? e.stack : e);
  }
});

async function walk() {
  const guild = client.guilds.cache.get(info.guild_id);
  check(guild, 'READY + GUILD_CREATE: the guild is in the cache');
  findings.guild_name = guild.name;
  findings.guild_channels = guild.channels.cache.filter((c) => c.type === ChannelType.GuildText).size;
  findings.guild_roles = [...guild.roles.cache.values()].map((r) => r.name).sort();
  check(guild.channels.cache.get(shopChannel), '#shop is cached');

  const synced = await guild.commands.set([{ name: 'shop', description: 'Open the shop' }]);
  findings.synced_commands = [...synced.values()].map((c) => c.name);

  let r = await control('POST', '/_sandbox/commands', { user_id: customer, name: 'shop' });
  check(r.status === 200, `/shop answered: ${r.status} ${JSON.stringify(r.body)}`);
  const messageId = r.body.message_id;
  await sleep(1000);
  r = await control('POST', '/_sandbox/components', { user_id: customer, message_id: messageId, custom_id: 'djs:pick', values: ['4'] });
  check(r.status === 200 && r.body.response.type === 7, `select answered with an update: ${r.status} ${JSON.stringify(r.body)}`);
  check(findings.select_message_routed === messageId, 'the click carried the message it was on');
  await sleep(1000);
  r = await control('POST', '/_sandbox/components', { user_id: customer, message_id: messageId, custom_id: 'djs:buy' });
  check(r.status === 200, `button answered: ${r.status} ${JSON.stringify(r.body)}`);
  await sleep(1500);
  check(!findings.handler_error, `the button handler failed: ${findings.handler_error}`);
  check(findings.followup_id && findings.followup_id === findings.original_id,
    'the first follow-up after a type-5 defer edited the loading message, and editReply reached it');
  r = await control('GET', `/_sandbox/messages/${findings.original_id}`);
  check(r.status === 200 && r.body.content === 'Order #1 is paid (edited).', `editReply: ${JSON.stringify(r.body)}`);

  const shop = guild.channels.cache.get(shopChannel);
  const sent = await shop.send('Restocked: VPN');
  findings.channel_message = sent.id;

  const member = await guild.members.fetch(customer);
  const ticket = await guild.channels.create({
    name: 'Ticket 8',
    type: ChannelType.GuildText,
    reason: 'ticket opened',
    permissionOverwrites: [
      { id: guild.roles.everyone.id, type: OverwriteType.Role, deny: [PermissionFlagsBits.ViewChannel] },
      { id: member.id, type: OverwriteType.Member, allow: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages,
        PermissionFlagsBits.AttachFiles, PermissionFlagsBits.ReadMessageHistory] },
    ],
  });
  findings.ticket_channel = ticket.name;

  const role = await guild.roles.create({ name: 'VIP Silver', reason: 'tier' });
  await member.roles.add(role, 'reached Silver');
  findings.role = role.id;

  const dm = await member.send('Your key: EFGH-5678');
  findings.dm_channel_type = dm.channel.type;

  r = await control('POST', '/_sandbox/faults', { rest_429: { count: 1, retry_after: 0.3 } });
  check(r.status === 200, 'fault set');
  const after = await shop.send('After a 429 (discord.js)');
  findings.after_429 = after.id;
  r = await control('GET', '/_sandbox/stats');
  findings.rest_429_injected = r.body.rest_429_injected;
}

let outcome = 1;
const timer = setTimeout(() => {
  findings.failed = 'timed out after 60 s';
  console.log(JSON.stringify(findings));
  process.exit(1);
}, 60000);

client.once(Events.ClientReady, async () => {
  try {
    await walk();
    outcome = 0;
  } catch (e) {
    findings.failed = String(e && e.stack ? e.stack : e);
  }
  clearTimeout(timer);
  console.log(JSON.stringify(findings));
  await client.destroy();
  process.exit(outcome);
});

client.login(info.token).catch((e) => {
  findings.failed = `login: ${e && e.stack ? e.stack : e}`;
  console.log(JSON.stringify(findings));
  process.exit(1);
});
