// A real OpenID Connect provider for microcred's SSO tests (the `oidc-provider` package), not a mock.
// Started by tests/idp/conftest.py on a free port:  node server.mjs  with its settings in environment variables:
//   OIDC_PORT     the port to listen on (127.0.0.1)
//   OIDC_CLIENTS  JSON list of clients: {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   OIDC_ACCOUNTS JSON object: account id (the `sub`) -> claims ({email, email_verified, name, sourcedId, ...})
// Sign-in is a small form (GET/POST /interaction/<uid>) asking for the account id and a password that must be
// "password"; consent is given automatically (a district's IdP does not ask its teachers for consent).
import http from 'node:http';
import { URLSearchParams } from 'node:url';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ grant_types: ['authorization_code'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic', ...c })),
  findAccount: async (ctx, sub) => (accounts[sub] ? { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) } : undefined),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'sourcedId'] },
  conformIdTokenClaims: false,  // the requested claims go into the ID token (as Google's and Entra's do)
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['microcred-test-idp-cookie-key'] },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 3600) },
});
provider.proxy = false;

const page = (uid, error = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>District sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Test district identity provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in to the district</button></form></main></body></html>`;

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(uid));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const login = form.get('login') || '';
  if (details.prompt.name === 'login' && (!accounts[login] || form.get('password') !== 'password')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(uid, 'Wrong username or password.'));
    return;
  }
  const accountId = details.prompt.name === 'login' ? login : details.session.accountId;
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const result = { login: { accountId }, consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)$/);
  if (match) {
    interaction(req, res, match[1]).catch((err) => { res.writeHead(400); res.end(String(err)); });
    return;
  }
  callback(req, res);
}).listen(port, '127.0.0.1', () => { console.log(`listening ${issuer}`); });
