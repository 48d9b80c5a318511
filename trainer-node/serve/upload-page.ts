/**
 * The server's own upload page, for contributors without the extension: pick the export zip,
 * choose the consent, upload. The script is served apart (`/upload.js`) so the page's content
 * security policy can forbid inline script. It speaks the protocol of shared/upload by hand: the
 * page has no build step.
 */
export const UPLOAD_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pygbox: donate your chats</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
fieldset { border: 1px solid #ccc; margin: 1rem 0; }
#result { white-space: pre-wrap; }
.refused { color: #a00; }
.accepted { color: #070; }
</style>
</head>
<body>
<h1>Donate your chats</h1>
<p>Upload the zip that Pygbox exported (the extension's or the userscript's export button). It holds
only anonymized chats; this server checks it again and refuses it if anything still looks like a
name, an email, a phone number or another identity.</p>
<form id="upload">
<p><label>Export zip: <input type="file" id="zip" accept=".zip,application/zip" required></label></p>
<fieldset>
<legend>Who may see these chats?</legend>
<label><input type="radio" name="consent" value="private" checked> Keep private: only the people who run this server use them.</label><br>
<label><input type="radio" name="consent" value="public"> May be published in the open dataset.</label>
</fieldset>
<p><button type="submit" id="send">Upload</button></p>
</form>
<p id="result" role="status" aria-live="polite"></p>
<script src="upload.js"></script>
</body>
</html>
`;

export const UPLOAD_PAGE_SCRIPT = `'use strict';
const form = document.getElementById('upload');
const result = document.getElementById('result');
const send = document.getElementById('send');

function show(text, kind) {
  result.textContent = text;
  result.className = kind;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = document.getElementById('zip').files[0];
  if (file === undefined) return show('Choose the export zip first.', 'refused');
  const consent = form.querySelector('input[name="consent"]:checked').value;
  send.disabled = true;
  show('Uploading ' + file.size + ' bytes...', '');
  try {
    const response = await fetch('api/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/zip', 'X-Pygbox-Consent': consent, 'X-Pygbox-Protocol': '1' },
      body: file,
    });
    const answer = await response.json().catch(() => undefined);
    if (response.ok && answer !== undefined) {
      show('Thank you! Upload ' + answer.uploadId + ': ' + answer.chats + ' chats (' + answer.newChats +
        ' new, ' + answer.duplicateChats + ' already here), kept ' + answer.consent + '.', 'accepted');
    } else if (answer !== undefined && answer.error !== undefined) {
      show('Refused (HTTP ' + response.status + '): ' + answer.error.message + (answer.error.hint ? '\\n' + answer.error.hint : ''), 'refused');
    } else {
      show('The server answered HTTP ' + response.status + '; try again later.', 'refused');
    }
  } catch (error) {
    show('Could not reach the server: ' + error.message, 'refused');
  } finally {
    send.disabled = false;
  }
});
`;
