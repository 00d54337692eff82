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
})();
