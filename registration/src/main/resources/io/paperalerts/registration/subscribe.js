(function () {
  const form = document.getElementById('subscribe-form');
  const query = document.getElementById('query');
  const list = document.getElementById('preview-list');
  const status = document.getElementById('preview-status');
  const message = document.getElementById('message');
  let timer = null;

  function text(el, value) { el.textContent = value; }

  let shown = 0;  // the latest preview asked for; an older answer arriving late must not replace it

  // The answer's JSON, or an error naming the HTTP status when the answer is not ours (a proxy's page).
  async function answer(response) {
    try { return await response.json(); } catch (e) { return {reason: 'the server answered ' + response.status}; }
  }

  async function preview() {
    const asked = ++shown;
    const q = query.value.trim();
    text(document.getElementById('query-error'), '');
    list.replaceChildren();
    if (!q) { text(status, 'Type a query to see matching recent papers.'); return; }
    let response, body;
    try {
      response = await fetch('/api/preview?query=' + encodeURIComponent(q));
      body = await answer(response);
    } catch (e) {
      if (asked === shown) { text(status, 'Cannot reach paper-alerts to preview; is it running?'); }
      return;
    }
    if (asked !== shown) { return; }
    if (!response.ok) { text(document.getElementById('query-error'), body.reason); text(status, ''); return; }
    text(status, body.papers.length + ' of the ' + body.searched + ' most recent papers match.');
    for (const paper of body.papers) {
      const li = document.createElement('li');
      const safe = /^https?:\/\//i.test(paper.url || '');
      const title = document.createElement(safe ? 'a' : 'span');
      if (safe) { title.href = paper.url; }
      text(title, paper.title);
      li.appendChild(title);
      if (paper.matched.length) {
        const matched = document.createElement('span');
        matched.className = 'muted';
        text(matched, ' (matched: ' + paper.matched.join(', ') + ')');
        li.appendChild(matched);
      }
      list.appendChild(li);
    }
  }

  query.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(preview, 300); });

  const trending = document.getElementById('trending');
  const delivery = document.getElementById('delivery');
  function trendingChanged() {
    document.getElementById('query-optional').hidden = !trending.value;
    if (trending.value && delivery.value === 'instant') { delivery.value = 'daily'; }
  }
  trending.addEventListener('change', trendingChanged);

  // An action of a listed paper pre-fills a keyword subscription and shows what it would have matched.
  function prefill(q) {
    trending.value = '';
    trendingChanged();
    query.value = q;
    preview();
    document.getElementById('subscribe-heading').scrollIntoView();
    document.getElementById('email').focus();
  }

  function action(label, className, q) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary action ' + className;
    text(button, label);
    button.addEventListener('click', function () { prefill(q); });
    return button;
  }

  function paperItem(paper) {
    const li = document.createElement('li');
    const safe = /^https?:\/\//i.test(paper.url || '');
    const title = document.createElement(safe ? 'a' : 'span');
    if (safe) { title.href = paper.url; }
    title.className = 'title';
    text(title, paper.title);
    li.appendChild(title);
    if (paper.upvotes) {
      const votes = document.createElement('span');
      votes.className = 'muted upvotes';
      text(votes, ' · ' + paper.upvotes + (paper.upvotes === 1 ? ' upvote' : ' upvotes'));
      li.appendChild(votes);
    }
    const authors = document.createElement('span');
    authors.className = 'muted authors';
    text(authors, paper.authors.join(', '));
    li.appendChild(authors);
    if (paper.followAuthorsQuery) { li.appendChild(action('Follow these authors', 'follow-authors', paper.followAuthorsQuery)); }
    if (paper.trendQuery) { li.appendChild(action('Alert me when papers like this trend', 'alert-trend', paper.trendQuery)); }
    return li;
  }

  async function papers() {
    const trendingStatus = document.getElementById('trending-status');
    let response, body;
    try {
      response = await fetch('/api/papers');
      body = await answer(response);
    } catch (e) {
      text(trendingStatus, 'Cannot reach paper-alerts to list papers; is it running?');
      return;
    }
    if (!response.ok) { text(trendingStatus, body.reason); return; }
    text(document.getElementById('trending-day'), body.trendingDay ? 'on ' + body.trendingDay : '');
    text(trendingStatus, body.trending.length ? '' : 'No upvoted papers yet.');
    document.getElementById('trending-list').replaceChildren(...body.trending.map(paperItem));
    document.getElementById('recent-list').replaceChildren(...body.recent.map(paperItem));
  }
  papers();

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    text(message, ''); message.className = '';
    text(document.getElementById('email-error'), '');
    text(document.getElementById('query-error'), '');
    const payload = {
      email: document.getElementById('email').value,
      query: query.value,
      delivery: document.getElementById('delivery').value,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      backfillDays: parseInt(document.getElementById('backfill').value, 10)
    };
    if (trending.value) { payload.trending = {top: parseInt(trending.value, 10)}; }
    const button = document.getElementById('subscribe');
    button.disabled = true;  // one click, one registration
    message.className = 'muted'; text(message, 'Sending…');
    let response, body;
    try {
      response = await fetch('/api/subscriptions', {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(payload)
      });
      body = await answer(response);
    } catch (e) {
      message.className = 'error'; text(message, 'Cannot reach paper-alerts; please try again.');
      return;
    } finally {
      button.disabled = false;
    }
    if (response.status === 202) {
      message.className = 'ok'; text(message, body.message); return;
    }
    const target = document.getElementById(body.field + '-error');
    if (target) { text(message, ''); text(target, body.reason); } else { message.className = 'error'; text(message, body.reason); }
  });

  // The manage link: the answer is the same whether or not the address has subscriptions.
  const manageForm = document.getElementById('manage-form');
  const manageMessage = document.getElementById('manage-message');
  manageForm.addEventListener('submit', async function (event) {
    event.preventDefault();
    text(manageMessage, ''); manageMessage.className = '';
    const button = document.getElementById('manage');
    button.disabled = true;
    try {
      const response = await fetch('/api/manage-link', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({email: document.getElementById('manage-email').value})});
      const body = await answer(response);
      manageMessage.className = response.ok ? 'ok' : 'error';
      text(manageMessage, response.ok ? body.message
        : body.reason + (response.headers.get('Retry-After') ? ' (try again in ' + response.headers.get('Retry-After') + ' s)' : ''));
    } catch (e) {
      manageMessage.className = 'error';
      text(manageMessage, 'Cannot reach paper-alerts; please try again.');
    } finally {
      button.disabled = false;
    }
  });
})();
