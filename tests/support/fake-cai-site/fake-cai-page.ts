import { FAKE_SESSION_TOKEN } from './fake-cai-data.ts';

/**
 * The chat page, shaped like the site's: the session token in `__NEXT_DATA__`, a script that
 * loads the chat with `fetch` (a string URL and a Request object), older turns with
 * `XMLHttpRequest` (responseType 'json'), the account with a text XHR, a request the page aborts
 * itself, and an unrelated config fetch. It keeps what it received in `window.__fakeSite.results`
 * so a test can compare the page's own view with and without Pygbox.
 */
export function fakeChatPageHtml(): string {
  const nextData = JSON.stringify({ props: { pageProps: { token: FAKE_SESSION_TOKEN } } });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Fake Character.AI</title></head>
<body>
<main id="chat"><h1>Fake Character.AI chat</h1><ol id="turns"></ol></main>
<script id="__NEXT_DATA__" type="application/json">${nextData}</script>
<script src="/fake-site.js"></script>
</body>
</html>`;
}

/** The page's own script (served at /fake-site.js). Plain ES2020, no build step. */
export const FAKE_SITE_SCRIPT = `
(() => {
  const token = JSON.parse(document.getElementById('__NEXT_DATA__').textContent).props.pageProps.token;
  const auth = 'Token ' + token;
  const neo = 'https://neo.character.ai';
  const legacy = 'https://plus.character.ai';
  const params = new URLSearchParams(location.search);
  const characterId = location.pathname.split('/')[2] || '';
  const chatId = params.get('hist') || '';
  const results = [];
  window.__fakeSite = { done: false, results };

  const viaFetch = async (label, input, init) => {
    try {
      const response = await fetch(input, init);
      results.push({ label, status: response.status, text: await response.text() });
      return response;
    } catch (error) {
      results.push({ label, rejected: String(error && error.name) });
      return undefined;
    }
  };
  const viaXhr = (label, method, url, responseType, body) =>
    new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('authorization', auth);
      if (body !== undefined) xhr.setRequestHeader('content-type', 'application/json');
      xhr.responseType = responseType;
      xhr.onload = () => {
        const value = responseType === 'json' ? JSON.stringify(xhr.response) : xhr.responseText;
        results.push({ label, status: xhr.status, text: value });
        resolve(xhr.response);
      };
      xhr.onerror = () => {
        results.push({ label, rejected: 'error' });
        resolve(undefined);
      };
      xhr.send(body);
    });

  (async () => {
    await viaFetch('chat', neo + '/chat/' + chatId + '/', { headers: { authorization: auth } });
    await viaFetch(
      'character',
      new Request(neo + '/character/v1/get_character_info', {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ external_id: characterId, lang: 'en' }),
      }),
    );
    const first = await viaFetch('turns-1', neo + '/turns/' + chatId + '/', { headers: { authorization: auth } });
    const list = document.getElementById('turns');
    const page = first ? JSON.parse(results[results.length - 1].text) : { turns: [], meta: {} };
    for (const turn of page.turns) {
      const item = document.createElement('li');
      item.textContent = turn.candidates[0].raw_content;
      list.append(item);
    }
    const older = page.meta && page.meta.next_token;
    if (older) {
      await viaXhr('turns-2', 'GET', neo + '/turns/' + chatId + '/?next_token=' + encodeURIComponent(older), 'json');
    }
    await viaXhr('user', 'GET', legacy + '/chat/user/', 'text');
    const controller = new AbortController();
    const aborted = viaFetch('aborted', neo + '/chats/recent/' + characterId, {
      headers: { authorization: auth },
      signal: controller.signal,
    });
    controller.abort();
    await aborted;
    await viaFetch('config', '/static/app-config.json');
    window.__fakeSite.done = true;
  })();
})();
`;

/**
 * The legacy site's chat page (`old.character.ai/chat?char=…&hist=…`): same-origin API calls with
 * XMLHttpRequest, as the old site made them, newest page of the history only.
 */
export function fakeLegacyChatPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Fake Character.AI (legacy)</title></head>
<body>
<main id="chat"><h1>Fake legacy chat</h1><ol id="turns"></ol></main>
<script src="/fake-legacy-site.js"></script>
</body>
</html>`;
}

/** The legacy page's own script (served at /fake-legacy-site.js). */
export const FAKE_LEGACY_SITE_SCRIPT = `
(() => {
  const auth = 'Token ${FAKE_SESSION_TOKEN}';
  const params = new URLSearchParams(location.search);
  const results = [];
  window.__fakeSite = { done: false, results };
  const viaXhr = (label, method, url, body) =>
    new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('authorization', auth);
      if (body !== undefined) xhr.setRequestHeader('content-type', 'application/json');
      xhr.onload = () => {
        results.push({ label, status: xhr.status, text: xhr.responseText });
        resolve(xhr.responseText);
      };
      xhr.onerror = () => {
        results.push({ label, rejected: 'error' });
        resolve(undefined);
      };
      xhr.send(body);
    });
  (async () => {
    await viaXhr('character', 'POST', '/chat/character/info/', JSON.stringify({ external_id: params.get('char') }));
    const text = await viaXhr('messages-1', 'GET', '/chat/history/msgs/user/?history_external_id=' + params.get('hist'));
    const list = document.getElementById('turns');
    for (const message of JSON.parse(text).messages) {
      const item = document.createElement('li');
      item.textContent = message.text;
      list.append(item);
    }
    await viaXhr('user', 'GET', '/chat/user/');
    window.__fakeSite.done = true;
  })();
})();
`;
