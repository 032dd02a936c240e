import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineApiError, EngineError, isConflict, isNotFound, redactSecrets } from '../../src/errors.ts';

test('credentials are redacted from error messages', () => {
  const cases: [string, string][] = [
    ['pull https://alice:hunter2@registry.example/v2/', 'pull https://***@registry.example/v2/'],
    ['X-Registry-Auth: eyJ1c2VybmFtZSI6ImEifQ== rejected', 'X-Registry-Auth: *** rejected'],
    ['Authorization: Bearer abc.def.ghi failed', 'Authorization: Bearer *** failed'],
    ['{"username":"a","password":"hunter2"}', '{"username":"a","password":"***"}'],
    ['{"identitytoken":"tok"}', '{"identitytoken":"***"}'],
  ];
  for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected);
  const err = new EngineError('API_ERROR', 'login to https://bob:pa55@r.example failed');
  assert.ok(!err.message.includes('pa55'));
});

test('API errors map status classes to stable codes', () => {
  const at = { method: 'GET', path: '/v1.41/containers/x/json', operation: 'ContainerInspect' };
  const codes = [400, 401, 403, 404, 409, 500, 503, 418].map(
    (status) => new EngineApiError(status, 'm', at).code,
  );
  assert.deepEqual(codes, [
    'API_BAD_REQUEST',
    'API_UNAUTHORIZED',
    'API_FORBIDDEN',
    'API_NOT_FOUND',
    'API_CONFLICT',
    'API_SERVER',
    'API_SERVER',
    'API_ERROR',
  ]);
  assert.ok(isNotFound(new EngineApiError(404, 'No such container: x', at)));
  assert.ok(isConflict(new EngineApiError(409, 'name in use', at)));
  assert.ok(!isNotFound(new Error('404')));
});
