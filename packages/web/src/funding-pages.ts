// Initiatives — applying, the board's decision, reporting progress — and the neighbourhood budget's rounds, voted on
// with an approval ballot.
import type { Budget, Initiative, InitiativeSummary, Round, Theme } from './api-schemas.js';
import { html, type Html } from './html.js';
import { dateTime, euros } from './i18n.js';
import { field, formAlert } from './layout.js';
import type { PageContext } from './pages.js';

/** Expense lines of adopted budgets: where an initiative's money can come from. */
export interface FundingLine {
  readonly budget: Budget;
  readonly code: string;
  readonly name: string;
}

/** Who decides initiatives within the board's mandate (the rights table: the chair and board members). */
const BOARD = ['chair', 'board-member'];

function themeNames(context: PageContext, themes: readonly Theme[], codes: readonly string[]): string {
  return codes.map((code) => themes.find((theme) => theme.code === code)?.[context.language] ?? code).join(', ');
}

export function initiativesPage(context: PageContext, initiatives: readonly InitiativeSummary[], themes: readonly Theme[], lines: readonly FundingLine[]): Html {
  const { t, base, language, shown } = context;
  const money = (cents: number) => euros(cents, language);
  const list =
    initiatives.length === 0
      ? html`<p>${t.initiatives.none}</p>`
      : html`<div class="table-scroll" tabindex="0" role="region" aria-label="${t.initiatives.title}"><table>
<thead><tr><th scope="col">${t.initiatives.applyTitle}</th><th scope="col">${t.initiatives.themes}</th><th scope="col">${t.assemblies.status}</th><th scope="col" class="number">${t.initiatives.requested}</th><th scope="col" class="number">${t.initiatives.granted}</th></tr></thead>
<tbody>${initiatives.map(
          (initiative) =>
            html`<tr><th scope="row"><a href="${base}/initiatives/${initiative.id}">${initiative.title}</a></th><td>${themeNames(context, themes, initiative.themes)}</td><td>${
              t.initiatives.status[initiative.status] ?? initiative.status
            }</td><td class="number">${money(initiative.money.requestedCents)}</td><td class="number">${money(initiative.money.grantedCents)}</td></tr>`,
        )}</tbody></table></div>`;
  const apply =
    lines.length === 0
      ? html`<p class="muted">${t.initiatives.noBudget}</p>`
      : html`<form method="post" action="${base}/initiatives">
${formAlert('apply', shown, t)}
${field({ form: 'apply', name: 'title', label: t.initiatives.applyTitle, required: true }, shown, t)}
${field({ form: 'apply', name: 'description', label: t.initiatives.description, required: true }, shown, t)}
${field({ form: 'apply', name: 'amount', apiField: 'requestedCents', label: t.initiatives.amount, required: true }, shown, t)}
${field({ form: 'apply', name: 'milestone', apiField: 'tranches', label: t.initiatives.milestone, required: true }, shown, t)}
<label for="apply-line">${t.initiatives.line}</label>
<select id="apply-line" name="line" required>${lines.map(
          (line) => html`<option value="${line.budget.id}:${line.code}">${line.budget.financialYear} · ${line.code} ${line.name}</option>`,
        )}</select>
<fieldset><legend>${t.initiatives.themes}</legend>${themes.map(
          (theme) => html`<label class="choice"><input type="checkbox" name="themes" value="${theme.code}"> ${theme[language]}</label>`,
        )}</fieldset>
<fieldset><legend>${t.initiatives.kind}</legend>${(['community-initiative', 'social-enterprise'] as const).map(
          (kind, index) => html`<label class="choice"><input type="radio" name="kind" value="${kind}"${index === 0 ? html` checked` : ''}> ${t.initiatives.kinds[kind]}</label>`,
        )}</fieldset>
<div><button type="submit">${t.initiatives.applyButton}</button></div>
</form>`;
  return html`${list}<section aria-labelledby="apply" class="card"><h2 id="apply">${t.initiatives.apply}</h2>${apply}</section>`;
}

export function initiativePage(context: PageContext, initiative: Initiative, themes: readonly Theme[]): Html {
  const { t, base, language, me, shown } = context;
  const money = (cents: number) => euros(cents, language);
  const own = initiative.applicant.memberId === me.id;
  const decide =
    initiative.status === 'submitted' && me.offices.some((office) => BOARD.includes(office))
      ? html`<section aria-labelledby="decide" class="card"><h2 id="decide">${t.initiatives.decide}</h2>
<form method="post" action="${base}/initiatives/${initiative.id}/decision">
${formAlert('decide', shown, t)}
<fieldset><legend>${t.initiatives.decide}</legend>
<label class="choice"><input type="radio" name="approve" value="yes" required> ${t.initiatives.approve}</label>
<label class="choice"><input type="radio" name="approve" value="no"> ${t.initiatives.reject}</label></fieldset>
${field({ form: 'decide', name: 'reason', label: t.initiatives.reason, required: true }, shown, t)}
<div><button type="submit">${t.initiatives.decideButton}</button></div>
</form></section>`
      : '';
  const report =
    own && initiative.status === 'funded' && initiative.tranchesPaid < initiative.tranchesPlanned
      ? html`<section aria-labelledby="report" class="card"><h2 id="report">${t.initiatives.report}</h2>
<form method="post" action="${base}/initiatives/${initiative.id}/tranches">
${formAlert('report', shown, t)}
${field({ form: 'report', name: 'progressReport', label: t.initiatives.progress, required: true }, shown, t)}
${field({ form: 'report', name: 'spent', apiField: 'spentSoFarCents', label: t.initiatives.spent, required: true }, shown, t)}
<div><button type="submit">${t.initiatives.reportButton}</button></div>
</form></section>`
      : '';
  return html`<dl class="card">
<dt>${t.assemblies.status}</dt><dd>${t.initiatives.status[initiative.status] ?? initiative.status}</dd>
<dt>${t.initiatives.kind}</dt><dd>${t.initiatives.kinds[initiative.kind] ?? initiative.kind}</dd>
<dt>${t.initiatives.themes}</dt><dd>${themeNames(context, themes, initiative.themes)}</dd>
<dt>${t.initiatives.requested}</dt><dd>${money(initiative.money.requestedCents)}</dd>
<dt>${t.initiatives.granted}</dt><dd>${money(initiative.money.grantedCents)}</dd>
<dt>${t.initiatives.paid}</dt><dd>${money(initiative.money.disbursedCents)}</dd>
</dl>
${decide}${report}
<section aria-labelledby="course"><h2 id="course">${t.initiatives.history}</h2>
<ul>${initiative.history.map((entry) => html`<li>${dateTime(entry.at, language)} — <span lang="en">${entry.summary}</span></li>`)}</ul></section>`;
}

export function roundsPage(context: PageContext, rounds: readonly Pick<Round, 'id' | 'title' | 'phase' | 'amountCents'>[]): Html {
  const { t, base, language } = context;
  if (rounds.length === 0) return html`<p>${t.pb.none}</p>`;
  return html`<ul>${rounds.map(
    (round) => html`<li><a href="${base}/pb-rounds/${round.id}">${round.title}</a> — ${t.pb.phase[round.phase] ?? round.phase}, ${euros(round.amountCents, language)}</li>`,
  )}</ul>`;
}

export function roundPage(context: PageContext, round: Round, voted: boolean): Html {
  const { t, base, language, shown } = context;
  const money = (cents: number) => euros(cents, language);
  const eligible = round.proposals.filter((proposal) => proposal.review?.eligible !== false);
  const selected = new Set(round.result?.selected.map((entry) => entry.proposalId) ?? []);
  // A refused ballot comes back with what was ticked.
  const ticked = new Set([shown?.form === 'ballot' ? shown.values?.approvals : undefined].flat().filter((value): value is string => typeof value === 'string'));
  const ballot =
    round.phase === 'voting'
      ? html`<form method="post" action="${base}/pb-rounds/${round.id}/ballots">
${formAlert('ballot', shown, t)}
${voted ? html`<p class="notice" role="status">${t.pb.voted}</p>` : ''}
<fieldset><legend>${t.pb.ballot(round.settings.minApprovals, round.settings.maxApprovals)}</legend>
${eligible.map((proposal) => html`<div><label class="choice"><input type="checkbox" name="approvals" value="${proposal.proposalId}"${ticked.has(proposal.proposalId) ? html` checked` : ''}> ${proposal.title} (${money(proposal.costCents)})</label></div>`)}
</fieldset>
${round.voting ? html`<p class="muted">${t.pb.closes(dateTime(round.voting.closesAt, language))}</p>` : ''}
<div><button type="submit">${t.pb.vote}</button></div>
</form>`
      : html`<ul>${round.proposals.map((proposal) => html`<li>${proposal.title}: ${money(proposal.costCents)}${selected.has(proposal.proposalId) ? html` — <strong>${t.pb.selected}</strong>` : ''}</li>`)}</ul>`;
  const result = round.result
    ? html`<section aria-labelledby="result" class="card"><h2 id="result">${t.pb.result}</h2><p>${t.pb.explanation}</p></section>`
    : '';
  return html`<p>${t.pb.phase[round.phase] ?? round.phase} · ${t.pb.budget(money(round.amountCents))}</p>
<section aria-labelledby="proposals"><h2 id="proposals">${t.pb.proposals}</h2>${ballot}</section>${result}`;
}
