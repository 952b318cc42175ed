// Use case: the hourly dispatcher and its audience pages. The dispatcher only decides what is due this hour and
// hands each audience source to the dispatch queue; each page reads at most PAGE_SIZE index items, plans waves
// (≤ 1/100 of the audience, ≤ 3 per receiving domain, domains interleaved), enqueues send jobs of ≤ 50 and hands
// the rest of the source on as the next message — so any audience size fits in Lambda's time limit.
import { type HandOnMarkers, handOnOnce } from './hand-on.ts';
import {
  DUE_KIND_OF_EVENT,
  isActive,
  isOnceDue,
  memberDateReads,
  recurringPeriod,
  startOfHour,
} from '#domain/calendar-due';
import { monthKey } from '#domain/local-time';
import { inSample, pickWinner, variantFor } from '#domain/pretest';
import { isTargeted, type Channel } from '#domain/send-checks';
import { BULK_LIMIT, chunk, planWaves, waveTiming } from '#domain/waves';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import type { Clock } from './ports.ts';
import type {
  AudienceMember,
  CalendarSource,
  DispatchMessage,
  Recipient,
  SendJob,
  SendStore,
} from './sending-ports.ts';

export const PAGE_SIZE = 1000;

export interface JobQueue<T> {
  enqueue(messages: readonly T[], delaySecondsOf?: (message: T) => number): Promise<void>;
}

export interface DispatchDeps {
  readonly calendar: CalendarSource;
  readonly store: SendStore;
  readonly pages: JobQueue<DispatchMessage>;
  readonly emailJobs: JobQueue<SendJob>;
  readonly messageJobs: JobQueue<SendJob>;
  readonly ladder: () => Promise<TierLadder>;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
  /** Seconds between waves (SQS delay, capped at 900); the sender's rate limit does the rest. */
  readonly waveIntervalSeconds: number;
  readonly pageSize?: number;
  /** Hand-on markers: each page hands the next on once, each monthly run starts once per firing. */
  readonly handOns: HandOnMarkers;
}

function populationMessages(
  entry: CalendarEntry,
  period: string,
  shards: number,
  extra: Partial<DispatchMessage> = {},
): DispatchMessage[] {
  return Array.from(
    { length: shards },
    (_, shard) =>
      ({ entryId: entry.id, period, source: { type: 'population', shard }, waveBase: 0, ...extra }) as DispatchMessage,
  );
}

/** The hourly run: what is due at `at` (floored to the hour), as dispatch messages. Safe to run twice. */
export async function dispatchHour(
  at: Date,
  deps: DispatchDeps,
): Promise<{ hour: string; messages: number; entries: string[] }> {
  const hour = startOfHour(at);
  const hourIso = hour.toISOString();
  const upTo = new Date(hour.getTime() + 3_600_000 - 1).toISOString();
  const entries = (await deps.calendar.list()).filter((entry) => isActive(entry, hour));
  const due: { entry: CalendarEntry; messages: DispatchMessage[]; pretestPeriod?: string }[] = [];
  // Member dates are read only in the zones members live in: a handful of partitions, not every IANA zone.
  const zones = entries.some((entry) => entry.trigger.type === 'member_date') ? await deps.store.zonesInUse() : [];
  for (const entry of entries) {
    const trigger = entry.trigger;
    if (trigger.type === 'member_date') {
      const messages: DispatchMessage[] = memberDateReads(trigger, hour, zones).map((read) => ({
        entryId: entry.id,
        period: read.period,
        source: {
          type: 'date',
          field: read.field,
          monthDay: read.monthDay,
          timeZone: read.timeZone,
          ...(read.enrolledSince && { enrolledSince: read.enrolledSince }),
          ...(read.enrolledBefore && { enrolledBefore: read.enrolledBefore }),
        },
        waveBase: 0,
      }));
      if (messages.length > 0) due.push({ entry, messages });
    } else if (trigger.type === 'recurring' || trigger.type === 'once') {
      const period =
        trigger.type === 'recurring'
          ? recurringPeriod(trigger, hour, deps.programme.timeZone)
          : isOnceDue(trigger, hour)
            ? 'once'
            : null;
      if (period)
        due.push({
          entry,
          messages: populationMessages(
            entry,
            period,
            deps.store.populationShards,
            entry.preTest ? { phase: 'sample' } : {},
          ),
          ...(entry.preTest && { pretestPeriod: period }),
        });
    }
  }
  // An hour already handed out is not handed out again; the marks are written only once the messages are on the
  // queue, so a run that dies half-way is simply run again (and two runs at once send nothing twice: the ledger).
  const already = await deps.store.dispatched(
    due.map(({ entry }) => entry.id),
    hourIso,
  );
  const fresh = due.filter(({ entry }) => !already.has(entry.id));
  const messages = fresh.flatMap((item) => item.messages);
  for (const { entry, pretestPeriod } of fresh) {
    if (!entry.preTest || !pretestPeriod) continue;
    const decideAt = new Date(hour.getTime() + entry.preTest.decisionDelayHours * 3_600_000);
    await deps.store.putDue(`CAMPAIGN-${entry.id}`, 'pretest', `${entry.id}#${pretestPeriod}`, decideAt, {
      entryId: entry.id,
      period: pretestPeriod,
    });
  }
  for (const kind of new Set(Object.values(DUE_KIND_OF_EVENT))) {
    if (!kind) continue;
    const ids = entries
      .filter((entry) => entry.trigger.type === 'event' && DUE_KIND_OF_EVENT[entry.trigger.event] === kind)
      .map((entry) => entry.id);
    if (ids.length > 0) messages.push({ entryIds: ids, source: { type: 'due', kind, upTo }, waveBase: 0 });
  }
  for (const kind of ['deferred', 'follow_up', 'pretest'])
    messages.push({ source: { type: 'due', kind, upTo }, waveBase: 0 });
  await deps.pages.enqueue(messages.map((message) => ({ ...message, at: hourIso })));
  const dispatched = fresh.map(({ entry }) => entry.id);
  await deps.store.markDispatched(dispatched, hourIso);
  return { hour: hourIso, messages: messages.length, entries: dispatched };
}

/** Population pages know tier, segment and status and leave out whom the entry does not target; date pages do not (the sender checks). */
function targeted(entry: CalendarEntry, member: AudienceMember): boolean {
  if (member.tier && !isTargeted(entry, member.tier, member.segment)) return false;
  return !member.profile || member.profile['status'] === 'active';
}

/** Consent renewal: members whose earliest given consent has its two-yearly anniversary in `month` (`YYYY-MM`). */
function consentAnniversary(
  profile: Readonly<Record<string, unknown>> | undefined,
  month: string,
): Record<string, string> | null {
  const consents = (profile?.['consents'] ?? {}) as Record<string, { value?: boolean; at?: string }>;
  const given = (['email', 'sms', 'post'] as const).flatMap((channel) =>
    consents[channel]?.value && consents[channel]?.at ? [[channel, consents[channel]] as const] : [],
  );
  if (given.length === 0) return null;
  const first = given.map(([, state]) => state.at ?? '').sort()[0] ?? '';
  const [year, mon] = month.split('-').map(Number);
  const since = Number(first.slice(0, 4));
  if (first.slice(5, 7) !== month.slice(5, 7) || !year || !mon || year - since < 2 || (year - since) % 2 !== 0)
    return null;
  return { consentDate: first.slice(0, 10), consentChannels: given.map(([channel]) => channel).join(', ') };
}

/** One page of a dispatch message: read, plan waves, enqueue jobs, hand the rest on. Returns the items read. */
export async function dispatchPage(
  message: DispatchMessage,
  deps: DispatchDeps,
): Promise<{ itemsRead: number; recipients: number; jobs: number; waves: number }> {
  const ladder = await deps.ladder();
  const baseTier = ladder.tiers[0]?.code ?? 'D';
  const page = await deps.store.readAudience(message.source, message.cursor, deps.pageSize ?? PAGE_SIZE, baseTier);
  const jobs: SendJob[] = [];
  let waves = 0;
  let recipients = 0;

  if (message.source.type === 'due') {
    const kind = message.source.kind;
    const groups = new Map<
      string,
      { entryId: string; period: string; channel: Channel; followUp?: number; recipients: Recipient[] }
    >();
    const add = (entryId: string, period: string, channel: Channel, recipient: Recipient, followUp?: number) => {
      const key = `${entryId}|${period}|${channel}|${followUp ?? 0}`;
      const group = groups.get(key) ?? { entryId, period, channel, ...(followUp && { followUp }), recipients: [] };
      group.recipients.push(recipient);
      groups.set(key, group);
      recipients += 1;
    };
    const entries = new Map<string, CalendarEntry | null>();
    const entry = async (id: string) => {
      if (!entries.has(id)) entries.set(id, await deps.calendar.get(id));
      return entries.get(id) ?? null;
    };
    for (const member of page.members) {
      const due = member.due ?? {};
      if (kind === 'deferred') {
        add(String(due['entryId']), String(due['period']), String(due['channel']) as Channel, {
          memberId: member.memberId,
        });
      } else if (kind === 'follow_up') {
        add(
          String(due['entryId']),
          String(due['period']),
          'email',
          { memberId: member.memberId },
          Number(due['followUp']),
        );
      } else if (kind === 'pretest') {
        await rollOutPretest(String(due['entryId']), String(due['period']), deps);
      } else {
        const ref = member.dueRef ?? '';
        const vars: Record<string, string> = {};
        if (typeof due['keepBy'] === 'string') vars['keepBy'] = due['keepBy'].slice(0, 10);
        const delta = due['deltaToRetain'] as { spend?: number } | undefined;
        if (delta?.spend !== undefined) vars['deltaToRetain'] = String(delta.spend);
        for (const id of message.entryIds ?? []) {
          const found = await entry(id);
          if (!found) continue;
          // A due item may name its channels (the SMS welcome); else every channel of the entry.
          const only = Array.isArray(due['channels']) ? (due['channels'] as string[]) : null;
          for (const channel of found.channels)
            if (!only || only.includes(channel))
              add(id, ref, channel, { memberId: member.memberId, ...(Object.keys(vars).length > 0 && { vars }) });
        }
      }
    }
    for (const group of groups.values()) {
      for (const part of chunk(group.recipients, BULK_LIMIT)) {
        jobs.push({
          entryId: group.entryId,
          period: group.period,
          channel: group.channel,
          wave: 0,
          ...(message.at && { at: message.at }),
          recipients: part,
          ...(group.followUp && { followUp: group.followUp }),
        });
      }
    }
  } else {
    const entry = message.entryId ? await deps.calendar.get(message.entryId) : null;
    if (entry && message.period) {
      const members = page.members.flatMap((member) => {
        if (!targeted(entry, member)) return [];
        let vars: Record<string, string> | undefined;
        if (message.consentMonth) {
          const found = consentAnniversary(member.profile, message.consentMonth);
          if (!found) return [];
          vars = found;
        }
        let variant: string | undefined;
        if (entry.preTest && message.phase === 'sample') {
          if (!inSample(member.memberId, entry.id, entry.preTest.sampleFraction)) return [];
          variant = variantFor(member.memberId, entry.id, entry.preTest.variants);
        } else if (message.variant) {
          variant = message.variant;
        }
        return [{ ...member, ...(vars && { vars }), ...(variant && { variant }) }];
      });
      recipients = members.length;
      const planned = planWaves(members, members.length);
      waves = planned.length;
      planned.forEach((wave, index) => {
        for (const channel of entry.channels) {
          const inWave = channel === 'email' ? wave.filter((member) => member.domain) : wave;
          for (const part of chunk(inWave, BULK_LIMIT)) {
            jobs.push({
              entryId: entry.id,
              period: message.period ?? '',
              channel,
              wave: message.waveBase + index,
              ...(message.at && { at: message.at }),
              recipients: part.map((member) => ({
                memberId: member.memberId,
                ...(member.vars && { vars: member.vars }),
                ...(member.variant && { variant: member.variant }),
              })),
            });
          }
        }
      });
    }
  }

  // A wave later than SQS's 900 s delay carries the time it may go; the sender puts it back until then.
  const now = deps.clock();
  const timed = jobs.map((job) => {
    const timing = waveTiming(job.wave, deps.waveIntervalSeconds, now);
    return { ...job, ...(timing.notBefore && { notBefore: timing.notBefore }) };
  });
  const delay = (job: SendJob) => waveTiming(job.wave, deps.waveIntervalSeconds, now).delaySeconds;
  const email = timed.filter((job) => job.channel === 'email');
  const other = timed.filter((job) => job.channel !== 'email');
  if (email.length > 0) await deps.emailJobs.enqueue(email, delay);
  if (other.length > 0) await deps.messageJobs.enqueue(other, delay);
  const next = page.next;
  if (next) {
    // Once per page, however often it runs: a retried page re-enqueues its jobs (the ledger sends each once) but
    // never a second continuation, so the chain does not fork.
    await handOnOnce(deps.handOns, `dispatch|${JSON.stringify(message)}`, deps.clock(), () =>
      deps.pages.enqueue([{ ...message, cursor: next, waveBase: message.waveBase + waves }]),
    );
  }
  // Jobs are on the queue: the due items are handed out (a crash before this line re-sends nothing: the ledger holds).
  const handedOut = page.members.flatMap((member) => (member.dueItem ? [member.dueItem] : []));
  if (handedOut.length > 0) await deps.store.removeDue(handedOut);
  return { itemsRead: page.itemsRead, recipients, jobs: jobs.length, waves };
}

/** After the pre-test's delay: the winner by the entry's metric, then the rest of the audience with it. */
async function rollOutPretest(entryId: string, period: string, deps: DispatchDeps): Promise<void> {
  const entry = await deps.calendar.get(entryId);
  if (!entry?.preTest) return;
  const names = entry.preTest.variants.map((variant) => variant.name);
  const counts = await deps.store.pretestCounts(entryId, period, names);
  const winner = await deps.store.decidePretest(
    entryId,
    period,
    pickWinner(names, counts, entry.preTest.metric),
    deps.clock(),
  );
  await handOnOnce(deps.handOns, `pretest-rollout|${entryId}|${period}`, deps.clock(), () =>
    deps.pages.enqueue(
      populationMessages(entry, period, deps.store.populationShards, {
        phase: 'rollout',
        variant: winner,
        at: deps.clock().toISOString(),
      }),
    ),
  );
}

/** The monthly consent-renewal run: every member whose consent turns two (four, six…) years old this month. */
export async function dispatchConsentRenewal(
  at: Date,
  deps: DispatchDeps,
): Promise<{ month: string; messages: number }> {
  const local = monthKey(at, deps.programme.timeZone);
  const entries = (await deps.calendar.list()).filter(
    (entry) => entry.trigger.type === 'event' && entry.trigger.event === 'consent_renewal_due' && isActive(entry, at),
  );
  const messages = entries.flatMap((entry) =>
    populationMessages(entry, `renewal-${local}`, deps.store.populationShards, {
      consentMonth: local,
      at: at.toISOString(),
    }),
  );
  // One run per schedule firing: a retried firing (same time) hands out no second set of pages.
  const started = await handOnOnce(deps.handOns, `renewal|${at.toISOString()}`, deps.clock(), () =>
    deps.pages.enqueue(messages),
  );
  return { month: local, messages: started ? messages.length : 0 };
}
