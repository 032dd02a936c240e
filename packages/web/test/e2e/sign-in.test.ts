/**
 * First run and sign-in in Chromium: the setup page takes the printed token and creates the admin
 * (a wrong token shows the server's refusal), sign-out returns to the login page, a wrong password
 * shows the server's message, and the theme switch changes the page's colours.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorsOf, openPage, screenshot, signIn, startConsole, TEST_PASSWORD } from './support.ts';

test('first-run setup, sign out, a refused sign-in, sign in again, theme switch', async () => {
  const consoleUnderTest = await startConsole();
  const page = await openPage(consoleUnderTest.url);
  await page.getByRole('heading', { name: 'Set up this console' }).waitFor();
  await screenshot(page, 'setup');

  // A wrong token: the server's refusal is shown and nothing is created.
  await page.getByLabel('Setup token').fill('gst_wrong');
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByLabel('Password again').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /setup token/i })
    .waitFor();

  // The real token (as printed): the admin is created and signed in.
  const token = await consoleUnderTest.setupToken();
  await page.getByLabel('Setup token').fill(token);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'admin' }).count(), 1);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /wrong username or password/ })
    .waitFor();
  await screenshot(page, 'login-refused');

  await signIn(page, { username: 'admin', password: TEST_PASSWORD });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await background();
  await page.getByLabel('theme').selectOption('light');
  assert.notEqual(await background(), dark, 'the light theme changes the background');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  // Remembered across a reload.
  await page.reload();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.deepEqual(errorsOf(page), []);
});
