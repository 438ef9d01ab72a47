// The pages, each rendered from what the API answered for the signed-in member.
import type { Assembly, AssemblySummary, Budget, BudgetLine, Cooperative, Member, Motion, Voter } from './api-schemas.js';
import { budgetChart } from './chart.js';
import { html, type Html } from './html.js';
import { dateTime, euros, type Language, type Texts } from './i18n.js';
import { field, formAlert, type FormProblem } from './layout.js';

export interface PageContext {
  readonly t: Texts;
  readonly language: Language;
  readonly base: string;
  readonly me: Member;
  readonly cooperative: Cooperative;
  readonly shown?: FormProblem | undefined;
}

const OFFICERS_OF_THE_MEETING = ['secretary', 'chair'];
const runsMeetings = (me: Member) => me.offices.some((office) => OFFICERS_OF_THE_MEETING.includes(office));

export function signInPage(t: Texts, action: string, shown: FormProblem | undefined, email = ''): Html {
  return html`<p>${t.signIn.intro}</p>
<form method="post" action="${action}">
${formAlert('sign-in', shown, t)}
${field({ form: 'sign-in', name: 'email', label: t.signIn.email, type: 'email', value: email, required: true, autocomplete: 'email' }, shown, t)}
<div><button type="submit">${t.signIn.send}</button></div>
</form>`;
}

export function codePage(t: Texts, action: string, email: string, again: string, shown: FormProblem | undefined): Html {
  return html`<p>${t.signIn.codeIntro(email)}</p>
<form method="post" action="${action}">
${formAlert('code', shown, t)}
<input type="hidden" name="email" value="${email}">
${field({ form: 'code', name: 'code', label: t.signIn.code, required: true, autocomplete: 'one-time-code', inputmode: 'numeric' }, shown, t)}
<div><button type="submit">${t.signIn.confirm}</button></div>
</form>
<p><a href="${again}">${t.signIn.again}</a></p>`;
}

function assemblyRows(context: PageContext, assemblies: readonly AssemblySummary[]): Html {
  const { t, language, base } = context;
  if (assemblies.length === 0) return html`<p>${t.assemblies.none}</p>`;
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label="${t.assemblies.title}"><table>
<thead><tr><th scope="col">${t.assemblies.assemblyTitle}</th><th scope="col">${t.assemblies.scheduled}</th><th scope="col">${t.assemblies.venue}</th><th scope="col">${t.assemblies.status}</th></tr></thead>
<tbody>${assemblies.map(
    (assembly) => html`<tr><td><a href="${base}/assemblies/${assembly.id}">${assembly.title}</a></td><td>${dateTime(assembly.scheduledAt, language)}</td><td>${
      assembly.venue.address ?? t.assemblies.online
    }</td><td>${t.assemblyStatus[assembly.status] ?? assembly.status}</td></tr>`,
  )}</tbody></table></div>`;
}

export function homePage(context: PageContext, assemblies: readonly AssemblySummary[]): Html {
  const { t, me } = context;
  const offices = me.offices.map((office) => t.office[office] ?? office).join(', ') || t.home.none;
  return html`<dl class="card">
<dt>${t.home.status}</dt><dd>${t.memberStatus[me.status] ?? me.status}</dd>
<dt>${t.home.offices}</dt><dd>${offices}</dd>
<dt>${t.home.memberNumber}</dt><dd><code>${me.id}</code><br><span class="muted">${t.home.memberNumberHelp}</span></dd>
</dl>
<section aria-labelledby="next"><h2 id="next">${t.home.next}</h2>${assemblyRows(context, assemblies)}</section>
<section aria-labelledby="cooperative" class="card"><h2 id="cooperative">${t.home.cooperative}</h2>
<dl>
<dt>${t.home.legalName}</dt><dd>${context.cooperative.legalName}</dd>
${context.cooperative.chamberOfCommerceNumber ? html`<dt>${t.home.chamber}</dt><dd>${context.cooperative.chamberOfCommerceNumber}</dd>` : ''}
<dt>${t.home.founded}</dt><dd>${dateTime(context.cooperative.foundedAt, context.language)}</dd>
<dt>${t.home.rules}</dt><dd><ul>${t.home.ruleLines(context.cooperative.rules).map((line) => html`<li>${line}</li>`)}</ul></dd>
</dl></section>`;
}

export function mePage(context: PageContext, saved: boolean): Html {
  const { t, base, me, shown, language } = context;
  const data = me.personalData;
  return html`<p>${t.me.intro}</p>
${saved ? html`<p class="notice" role="status">${t.me.saved}</p>` : ''}
<form method="post" action="${base}/me">
${formAlert('details', shown, t)}
${field({ form: 'details', name: 'name', label: t.me.name, value: data?.name, required: true, autocomplete: 'name' }, shown, t)}
${field({ form: 'details', name: 'email', label: t.me.email, type: 'email', value: data?.email, required: true, autocomplete: 'email' }, shown, t)}
${field({ form: 'details', name: 'address', label: t.me.address, value: data?.address, autocomplete: 'street-address' }, shown, t)}
${field({ form: 'details', name: 'phone', label: t.me.phone, type: 'tel', value: data?.phone, autocomplete: 'tel' }, shown, t)}
<div><button type="submit">${t.me.save}</button></div>
</form>
<section aria-labelledby="history"><h2 id="history">${t.me.history}</h2>
<ul>${me.history.map((entry) => html`<li>${dateTime(entry.occurredAt, language)} — <code>${entry.type}</code></li>`)}</ul></section>`;
}

export function assembliesPage(context: PageContext, assemblies: readonly AssemblySummary[]): Html {
  const { t, base, me, shown } = context;
  const convene = runsMeetings(me)
    ? html`<section aria-labelledby="convene" class="card"><h2 id="convene">${t.assemblies.convene}</h2>
<form method="post" action="${base}/assemblies">
${formAlert('convene', shown, t)}
${field({ form: 'convene', name: 'title', label: t.assemblies.assemblyTitle, required: true }, shown, t)}
${field({ form: 'convene', name: 'scheduledAt', label: t.assemblies.scheduledAt, type: 'datetime-local', required: true }, shown, t)}
${field({ form: 'convene', name: 'address', apiField: 'venue', label: t.assemblies.address }, shown, t)}
<div><button type="submit">${t.assemblies.conveneButton}</button></div>
</form></section>`
    : '';
  return html`${assemblyRows(context, assemblies)}${convene}`;
}

export interface AssemblyView {
  readonly assembly: Assembly;
  readonly voter: Voter;
  /** Each motion in full, in the order of the agenda. */
  readonly motions: readonly Motion[];
}

function choiceFieldset(t: Texts, form: string, legend: string, current: string | null | undefined): Html {
  return html`<fieldset><legend>${legend}</legend>${(['for', 'against', 'abstain'] as const).map(
    (choice) =>
      html`<label class="choice"><input type="radio" name="choice" value="${choice}" required${current === choice ? html` checked` : ''}> ${t.choices[choice]}</label>`,
  )}</fieldset>`;
}

/** A motion's card; its forms are named by the motion (and the grantor), so a refusal comes back at the right one. */
function motionCard(context: PageContext, view: AssemblyView, motion: Motion): Html {
  const { t, base, me, shown } = context;
  const { voter, assembly } = view;
  const mine = voter.votes.find((vote) => vote.motionId === motion.id)?.vote ?? null;
  const heldFor = voter.proxies.filter((proxy) => proxy.holderId === me.id);
  const open = motion.status === 'voting-open';
  const form = `vote-${motion.id}`;
  const myVote = !voter.onRoll
    ? html``
    : mine && mine.choice
      ? html`<p>${t.assembly.youVoted(t.choices[mine.choice])}</p>`
      : mine
        ? html`<p>${t.assembly.youVotedSecret}</p>`
        : html`<p>${t.assembly.notVoted}</p>`;
  const voteForm =
    open && voter.onRoll
      ? html`<form method="post" action="${base}/motions/${motion.id}/votes">
${formAlert(form, shown, t)}
<input type="hidden" name="assemblyId" value="${assembly.id}">
${choiceFieldset(t, form, t.assembly.yourVote, mine?.choice)}
<button type="submit">${mine ? t.assembly.changeVote : t.assembly.vote}</button>
</form>`
      : '';
  const proxyForms = open
    ? heldFor.map((proxy) => {
        const proxyForm = `proxy-vote-${motion.id}-${proxy.grantorId}`;
        return html`<form method="post" action="${base}/motions/${motion.id}/votes">
${formAlert(proxyForm, shown, t)}
<input type="hidden" name="assemblyId" value="${assembly.id}">
<input type="hidden" name="onBehalfOf" value="${proxy.grantorId}">
${choiceFieldset(t, proxyForm, t.assembly.onBehalfOf(proxy.grantorId), undefined)}
<button type="submit" class="secondary">${t.assembly.vote}</button>
</form>`;
      })
    : [];
  const decision = motion.result
    ? html`<div class="decision"><h4>${t.assembly.decision}: ${t.assembly.outcome[motion.result.outcome]}</h4>
<p>${t.assembly.tally(motion.result.tally)}</p>
<p><strong>${t.assembly.explanation}:</strong> ${t.assembly.explain(motion.result)}</p></div>`
    : '';
  const officer = runsMeetings(me)
    ? html`${motion.status === 'tabled' ? html`<form method="post" action="${base}/motions/${motion.id}/opening">${formAlert(`open-${motion.id}`, shown, t)}<input type="hidden" name="assemblyId" value="${assembly.id}"><button type="submit" class="secondary">${t.assembly.openVoting}</button></form>` : ''}
${open ? html`<form method="post" action="${base}/motions/${motion.id}/closing">${formAlert(`close-${motion.id}`, shown, t)}<input type="hidden" name="assemblyId" value="${assembly.id}"><button type="submit" class="secondary">${t.assembly.closeVoting}</button></form>` : ''}`
    : '';
  return html`<article class="card" aria-labelledby="motion-${motion.id}">
<h3 id="motion-${motion.id}">${motion.title}</h3>
<p class="muted">${t.motionStatus[motion.status] ?? motion.status} · ${t.assembly.ballot[motion.ballot] ?? motion.ballot}</p>
<p>${motion.text}</p>
${myVote}${voteForm}${proxyForms}${decision}${officer}
</article>`;
}

function proxySection(context: PageContext, view: AssemblyView): Html {
  const { t, base, me, shown } = context;
  const { voter, assembly } = view;
  if (!voter.onRoll || assembly.status === 'closed' || assembly.status === 'cancelled') return html``;
  const granted = voter.proxies.find((proxy) => proxy.grantorId === me.id);
  const held = voter.proxies.filter((proxy) => proxy.holderId === me.id);
  const mine = granted
    ? html`<p>${t.assembly.granted(granted.holderId)}</p>
<form method="post" action="${base}/assemblies/${assembly.id}/proxy/revocation">${formAlert('revoke', shown, t)}<button type="submit" class="secondary">${t.assembly.revoke}</button></form>`
    : html`<p>${t.assembly.proxyIntro}</p>
<form method="post" action="${base}/assemblies/${assembly.id}/proxy">
${formAlert('proxy', shown, t)}
${field({ form: 'proxy', name: 'holderId', label: t.assembly.holder, required: true }, shown, t)}
<div><button type="submit">${t.assembly.grant}</button></div>
</form>`;
  return html`<section aria-labelledby="proxy" class="card"><h2 id="proxy">${t.assembly.proxy}</h2>${mine}
${held.length > 0 ? html`<h3>${t.assembly.heldProxies}</h3><ul>${held.map((proxy) => html`<li><code>${proxy.grantorId}</code></li>`)}</ul>` : ''}</section>`;
}

function meetingSection(context: PageContext, assembly: Assembly): Html {
  const { t, base, me, shown } = context;
  if (!runsMeetings(me) || assembly.status === 'closed' || assembly.status === 'cancelled') return html``;
  const action = (path: string) => `${base}/assemblies/${assembly.id}/${path}`;
  const inSession = assembly.status === 'in-session';
  return html`<section aria-labelledby="meeting" class="card"><h2 id="meeting">${t.assembly.officers}</h2>
${inSession ? html`<p>${t.assembly.present(assembly.attendance.length)}</p>` : ''}
${!inSession ? html`<form method="post" action="${action('opening')}">${formAlert('opening', shown, t)}<button type="submit">${t.assembly.open}</button></form>` : ''}
${inSession
  ? html`<form method="post" action="${action('attendance')}">${formAlert('attendance', shown, t)}
${field({ form: 'attendance', name: 'memberId', label: t.assembly.attendance, required: true }, shown, t)}
<div><button type="submit" class="secondary">${t.assembly.recordAttendance}</button></div></form>
<form method="post" action="${action('closing')}">${formAlert('closing', shown, t)}<button type="submit">${t.assembly.close}</button></form>`
  : ''}
<h3>${t.assembly.table}</h3>
<form method="post" action="${action('motions')}">
${formAlert('table', shown, t)}
${field({ form: 'table', name: 'title', label: t.assembly.motionTitle, required: true }, shown, t)}
${field({ form: 'table', name: 'text', label: t.assembly.motionText, required: true }, shown, t)}
<label class="choice"><input type="checkbox" name="secret" value="yes"> ${t.assembly.secretBallot}</label>
<div><button type="submit" class="secondary">${t.assembly.tableButton}</button></div>
</form></section>`;
}

/** An agenda item's document, as the app shows it: the API's page, fetched with the member's token. */
function documentLink(context: PageContext, apiHref: string): string {
  const query = new URLSearchParams(apiHref.split('?')[1] ?? '');
  query.set('lang', context.language);
  return `${context.base}/impact-report?${query.toString()}`;
}

export function assemblyPage(context: PageContext, view: AssemblyView): Html {
  const { t, language } = context;
  const { assembly, voter, motions } = view;
  return html`<p>${dateTime(assembly.scheduledAt, language)} · ${assembly.venue.address ?? t.assemblies.online} · ${
    t.assemblyStatus[assembly.status] ?? assembly.status
  } · ${t.assembly.roll(assembly.rollSize)}</p>
${voter.onRoll ? '' : html`<p class="notice">${t.assembly.notOnRoll}</p>`}
<section aria-labelledby="agenda"><h2 id="agenda">${t.assembly.agenda}</h2>
${assembly.agenda.length === 0
  ? html`<p>${t.assembly.noAgenda}</p>`
  : html`<ol>${assembly.agenda.map((item) => html`<li>${item.title}${item.document ? html` (<a href="${documentLink(context, item.document.href)}">${t.assembly.document}</a>)` : ''}</li>`)}</ol>`}
<p class="muted">${assembly.convocations.length === 0 ? t.assembly.notConvoked : assembly.convocations.map((sent) => t.assembly.convoked(dateTime(sent.sentAt, language), sent.recipients)).join(' ')}</p></section>
<section aria-labelledby="motions"><h2 id="motions">${t.assembly.motions}</h2>
${motions.length === 0 ? html`<p>${t.assembly.noMotions}</p>` : motions.map((motion) => motionCard(context, view, motion))}</section>
${proxySection(context, view)}
${meetingSection(context, assembly)}`;
}

export function budgetsPage(context: PageContext, budgets: readonly { id: string; financialYear: number; title: string; status: string }[]): Html {
  const { t, base } = context;
  if (budgets.length === 0) return html`<p>${t.budgets.none}</p>`;
  return html`<ul>${budgets.map(
    (budget) => html`<li><a href="${base}/budgets/${budget.id}">${budget.financialYear}: ${budget.title}</a> (${t.budgets.status[budget.status] ?? budget.status})</li>`,
  )}</ul>`;
}

const actualOf = (line: BudgetLine) => (line.kind === 'income' ? line.receivedCents : line.spentCents);

export function budgetPage(context: PageContext, budget: Budget, booking: Html | string = ''): Html {
  const { t, language } = context;
  const money = (cents: number) => euros(cents, language);
  const rows = budget.lines.map(
    (line) => html`<tr><th scope="row">${line.code} ${line.name}</th><td>${t.budgets.kind[line.kind] ?? line.kind}</td><td class="number">${money(line.budgetedCents)}</td><td class="number">${money(
      line.receivedCents,
    )}</td><td class="number">${money(line.spentCents)}</td><td class="number">${money(line.reservedCents)}</td><td class="number">${money(line.availableCents)}</td></tr>`,
  );
  const table = html`<div class="table-scroll" tabindex="0" role="region" aria-label="${t.budgets.title} ${budget.financialYear}"><table>
<caption>${t.budgets.year} ${budget.financialYear} · ${t.budgets.status[budget.status] ?? budget.status}</caption>
<thead><tr><th scope="col">${t.budgets.line}</th><th scope="col"></th><th scope="col" class="number">${t.budgets.budgeted}</th><th scope="col" class="number">${t.budgets.received}</th><th scope="col" class="number">${t.budgets.spent}</th><th scope="col" class="number">${t.budgets.reserved}</th><th scope="col" class="number">${t.budgets.available}</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row">${t.budgets.total}</th><td></td><td class="number">${money(budget.totals.budgetedIncomeCents)} / ${money(budget.totals.budgetedExpenseCents)}</td><td class="number">${money(
    budget.totals.receivedCents,
  )}</td><td class="number">${money(budget.totals.spentCents)}</td><td class="number">${money(budget.totals.reservedCents)}</td><td></td></tr></tfoot>
</table></div>`;
  const chart =
    budget.lines.length > 0
      ? budgetChart(
          { title: t.budgets.chartTitle, description: t.budgets.chartDescription, budgeted: t.budgets.budgeted, actual: t.budgets.actual, format: money },
          budget.lines.map((line) => ({ label: `${line.code} ${line.name}`, budgeted: line.budgetedCents, actual: actualOf(line) })),
        )
      : '';
  const draft =
    budget.draft.length > 0 && budget.lines.length === 0
      ? html`<h2>${t.budgets.draftLines}</h2><ul>${budget.draft.map((line) => html`<li>${line.code} ${line.name} (${t.budgets.kind[line.kind] ?? line.kind}): ${money(line.amountCents)}</li>`)}</ul>`
      : '';
  return html`<p><strong>${t.budgets.cash}:</strong> ${money(budget.cashCents)}</p>${chart}${table}${draft}${booking}`;
}
