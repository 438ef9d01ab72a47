// The pages of those who keep the cooperative's books and records: the register, the history with its verification,
// and the treasurer's bookings beside the budget.
import type { Budget, History, Journal, Register, Verification } from './api-schemas.js';
import { html, type Html } from './html.js';
import { dateTime, euros, type Texts } from './i18n.js';
import { field, formAlert, type FormProblem } from './layout.js';
import type { PageContext } from './pages.js';

export function registerPage(context: PageContext, register: Register, search: string): Html {
  const { t, base, shown } = context;
  const rows = register.members.map((member) => {
    const name = member.personalData?.name ?? '—';
    const admit =
      member.status === 'applied'
        ? html`<form method="post" action="${base}/members/${member.id}/admission"><button type="submit" class="secondary">${t.register.admit(name)}</button></form>`
        : '';
    return html`<tr><th scope="row">${name}</th><td>${member.personalData?.email ?? ''}</td><td>${t.memberStatus[member.status] ?? member.status}</td><td><code>${member.id}</code></td><td>${admit}</td></tr>`;
  });
  const next = register.nextCursor
    ? html`<p><a href="${base}/members?${new URLSearchParams({ ...(search ? { name: search } : {}), after: register.nextCursor }).toString()}">${t.register.next}</a></p>`
    : '';
  return html`<form method="get" action="${base}/members" role="search">
<label for="register-search">${t.register.search}</label>
<input type="text" id="register-search" name="name" value="${search}">
<div><button type="submit" class="secondary">${t.register.searchButton}</button></div>
</form>
${formAlert('admit', shown, t)}
<p>${t.register.total(register.total)}</p>
${register.members.length === 0
  ? html`<p>${t.register.none}</p>`
  : html`<div class="table-scroll" tabindex="0" role="region" aria-label="${t.register.title}"><table>
<thead><tr><th scope="col">${t.register.name}</th><th scope="col">${t.register.email}</th><th scope="col">${t.register.status}</th><th scope="col">${t.register.number}</th><th scope="col"></th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
${next}
<section aria-labelledby="register-new" class="card"><h2 id="register-new">${t.register.registerTitle}</h2>
<form method="post" action="${base}/members">
${formAlert('register', shown, t)}
${field({ form: 'register', name: 'name', label: t.register.name, required: true }, shown, t)}
${field({ form: 'register', name: 'email', label: t.register.email, type: 'email', required: true }, shown, t)}
${field({ form: 'register', name: 'address', label: t.register.address }, shown, t)}
${field({ form: 'register', name: 'phone', label: t.register.phone, type: 'tel' }, shown, t)}
<div><button type="submit">${t.register.registerButton}</button></div>
</form></section>`;
}

export function historyPage(context: PageContext, history: History, verification: Verification | undefined): Html {
  const { t, base, language } = context;
  const check = verification
    ? verification.firstBrokenLink
      ? html`<p class="alert" role="alert">${t.history.broken(verification.firstBrokenLink.stream, verification.firstBrokenLink.revision)}</p>`
      : html`<p class="notice">${t.history.verified(verification.events, verification.streams, verification.seals)}</p>`
    : '';
  const rows = history.events.map(
    (event) =>
      html`<tr><td class="number">${event.position}</td><td>${dateTime(event.occurredAt, language)}</td><td><code>${event.type}</code></td><td><code>${event.stream}</code></td><td><code>${event.actor.id}</code></td></tr>`,
  );
  return html`<p>${t.history.intro}</p>${check}
${history.events.length === 0
  ? html`<p>${t.history.none}</p>`
  : html`<div class="table-scroll" tabindex="0" role="region" aria-label="${t.history.title}"><table>
<thead><tr><th scope="col" class="number">${t.history.position}</th><th scope="col">${t.history.when}</th><th scope="col">${t.history.what}</th><th scope="col">${t.history.where}</th><th scope="col">${t.history.who}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
${history.nextAfter === null ? '' : html`<p><a href="${base}/history?after=${history.nextAfter}">${t.history.next}</a></p>`}`;
}

function lineOptions(budget: Budget, kind: 'income' | 'expense'): Html {
  return html`${budget.lines.filter((line) => line.kind === kind).map((line) => html`<option value="${line.code}">${line.code} ${line.name}</option>`)}`;
}

function lineSelect(form: string, label: string, options: Html): Html {
  return html`<label for="${form}-lineCode">${label}</label><select id="${form}-lineCode" name="lineCode" required>${options}</select>`;
}

/** The treasurer's forms and the journal, below the budget: income and expenses booked, large ones approved. */
export function bookingSection(context: PageContext, budget: Budget, journal: Journal, options: { readonly canBook: boolean }): Html {
  const { t, base, language, shown } = context;
  const action = (path: string) => `${base}/budgets/${budget.id}/${path}`;
  const settled = new Set(journal.entries.filter((entry) => entry.kind === 'expense-approved' || entry.kind === 'expense-booked').map((entry) => entry.entryId));
  const pending = journal.entries.filter((entry) => entry.kind === 'expense-submitted' && !settled.has(entry.entryId));
  const entries = journal.entries.map(
    (entry) =>
      html`<tr><td>${entry.onDate}</td><td>${t.booking.kind[entry.kind] ?? entry.kind}</td><td>${entry.lineCode}</td><td>${entry.description}</td><td class="number">${euros(entry.amountCents, language)}</td></tr>`,
  );
  const forms = options.canBook ? bookingForms(t, budget, action, shown) : '';
  return html`${forms}
${pending.length > 0
  ? html`<section aria-labelledby="pending" class="card"><h2 id="pending">${t.booking.pending}</h2>${formAlert('approve', shown, t)}<ul>${pending.map(
      (entry) =>
        html`<li>${entry.description} (${entry.lineCode}): ${euros(entry.amountCents, language)}
<form method="post" action="${action(`expenses/${entry.entryId}/approval`)}"><button type="submit" class="secondary">${t.booking.approve}: ${entry.description}</button></form></li>`,
    )}</ul></section>`
  : ''}
<section aria-labelledby="journal"><h2 id="journal">${t.booking.journal}</h2>
<div class="table-scroll" tabindex="0" role="region" aria-label="${t.booking.journal}"><table>
<thead><tr><th scope="col">${t.booking.receivedOn}</th><th scope="col">${t.history.what}</th><th scope="col">${t.booking.line}</th><th scope="col">${t.booking.description}</th><th scope="col" class="number">${t.budgets.actual}</th></tr></thead>
<tbody>${entries}</tbody></table></div></section>`;
}

/** What the treasurer books: income on an income line, an expense on an expense line. */
function bookingForms(t: Texts, budget: Budget, action: (path: string) => string, shown: FormProblem | undefined): Html {
  return html`<section aria-labelledby="book-income" class="card"><h2 id="book-income">${t.booking.income}</h2>
<form method="post" action="${action('income')}">
${formAlert('income', shown, t)}
${lineSelect('income', t.booking.line, lineOptions(budget, 'income'))}
${field({ form: 'income', name: 'source', label: t.booking.source, required: true }, shown, t)}
${field({ form: 'income', name: 'amount', apiField: 'amountCents', label: t.booking.amount, required: true }, shown, t)}
<label for="income-receivedOn">${t.booking.receivedOn}</label><input type="date" id="income-receivedOn" name="receivedOn" required>
<div><button type="submit">${t.booking.book}</button></div>
</form></section>
<section aria-labelledby="book-expense" class="card"><h2 id="book-expense">${t.booking.expense}</h2>
<form method="post" action="${action('expenses')}">
${formAlert('expense', shown, t)}
${lineSelect('expense', t.booking.line, lineOptions(budget, 'expense'))}
${field({ form: 'expense', name: 'payee', label: t.booking.payee, required: true }, shown, t)}
${field({ form: 'expense', name: 'amount', apiField: 'amountCents', label: t.booking.amount, required: true }, shown, t)}
${field({ form: 'expense', name: 'invoiceReference', label: t.booking.invoice, required: true }, shown, t)}
${field({ form: 'expense', name: 'description', label: t.booking.description, required: true }, shown, t)}
<div><button type="submit">${t.booking.book}</button></div>
</form></section>`;
}
