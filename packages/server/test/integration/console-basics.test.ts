import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestConsole } from '../support.ts';

test('a test console answers /healthz and signs the admin in', async () => {
  const console = await startTestConsole();
  const health = await console.anonymous.get('/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.body.database, 'up');
  const admin = await console.asAdmin();
  const me = await admin.get('/api/auth/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
});
