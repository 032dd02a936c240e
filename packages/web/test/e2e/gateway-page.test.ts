/**
 * The Gateway page of a console whose gateway listens with mutual TLS: address and fingerprint as the
 * API reports them, the docker CLI set-up, and a client certificate mapped to an API token through the
 * form (the listing names the token, never its secret), then removed through the confirmation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorsOf, openPage, screenshot, signIn, startConsole } from './support.ts';

const CERTS = process.env.GANTRY_TEST_TLS_CERTS;

test('gateway page: listener, docker CLI set-up, client certificate mapped and removed', {
  skip: CERTS ? false : 'no harness TLS material (GANTRY_TEST_TLS_CERTS)',
}, async () => {
  const consoleUnderTest = await startConsole({ gateway: { clientCa: join(CERTS as string, 'ca.pem') } });
  const admin = await consoleUnderTest.admin();
  const status = await consoleUnderTest.call<{ url: string; fingerprint: string }>('GET', '/api/gateway');
  const token = await consoleUnderTest.token('laptop-cert');
  const page = await openPage(consoleUnderTest.url);
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Gateway' }).click();
  await page.getByText('listening', { exact: true }).waitFor();
  await page.getByText(status.url, { exact: true }).waitFor();
  await page.getByText(status.fingerprint, { exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Point the docker CLI at it' }).waitFor();

  await page.getByRole('button', { name: 'Map a certificate' }).click();
  await page.getByLabel('Certificate (PEM)').fill(readFileSync(join(CERTS as string, 'cert.pem'), 'utf8'));
  await page.getByLabel('API token').fill('gty_not_a_token_of_this_console');
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /not a live API token/ })
    .waitFor();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'laptop-cert' });
  await row.waitFor();
  await screenshot(page, 'gateway');
  assert.ok(!(await page.content()).includes(token), 'the token secret is not on the page');
  const listed = await consoleUnderTest.call<{ items: { fingerprint: string }[] }>(
    'GET',
    '/api/gateway/client-certificates',
  );
  assert.equal(listed.items.length, 1);

  await row.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await page.getByText('No certificate is mapped.').waitFor();
  const after = await consoleUnderTest.call<{ items: unknown[] }>('GET', '/api/gateway/client-certificates');
  assert.deepEqual(after.items, []);
  assert.deepEqual(errorsOf(page), []);
});
