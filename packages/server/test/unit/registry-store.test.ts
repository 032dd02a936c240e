/** The registry credential store against a real database, both dialects: CRUD, sealing, lookup by image. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { HttpError } from '../../src/http/errors.ts';
import {
  createRegistryStore,
  normalizeServerAddress,
  type RegistryStore,
} from '../../src/registries/store.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { DIALECTS, freshDatabase, skipDialect } from '../databases.ts';

const box = createSecretBox(randomBytes(32));
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

const local = { name: 'local', serverAddress: '127.0.0.1:5000', username: 'ci', password: PASSWORD };
const hub = {
  name: 'Docker Hub',
  serverAddress: 'https://index.docker.io/v1/',
  username: 'me',
  password: 'hub-pw',
};

/** Rejects with an HttpError of that status whose details name `field`. */
async function refused(work: Promise<unknown>, status: number, field: string) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, new RegExp(field));
    return true;
  });
}

test('addresses are normalized to host[:port], Docker Hub to docker.io', () => {
  for (const hubSpelling of [
    'docker.io',
    'index.docker.io',
    'registry-1.docker.io',
    'https://index.docker.io/v1/',
    'https://registry-1.docker.io',
    ' Docker.IO ',
  ])
    assert.equal(normalizeServerAddress(hubSpelling), 'docker.io', hubSpelling);
  assert.equal(normalizeServerAddress('http://127.0.0.1:5000/'), '127.0.0.1:5000');
  assert.equal(normalizeServerAddress('https://Registry.Example.com/v2/'), 'registry.example.com');
  assert.equal(normalizeServerAddress('localhost:5000'), 'localhost:5000');
  assert.equal(normalizeServerAddress('[::1]:5000'), '[::1]:5000');
  for (const bad of ['', 'https://', 'not a host', 'host:0', 'host:70000', 'user@host', '-bad.example'])
    assert.equal(normalizeServerAddress(bad), undefined, bad);
});

for (const dialect of DIALECTS) {
  describe(`registry store (${dialect})`, { skip: skipDialect(dialect) }, () => {
    const withStore =
      (work: (store: RegistryStore, raw: () => Promise<string>) => Promise<void>) => async () => {
        const { db, drop } = await freshDatabase(dialect);
        try {
          const raw = async () => JSON.stringify(await db.all('SELECT * FROM registries'));
          await work(createRegistryStore(db, box), raw);
        } finally {
          await drop();
        }
      };

    test(
      'create, list, update keeping the password, remove; no view holds the password',
      withStore(async (store, raw) => {
        const created = await store.create({ ...local, createdBy: 'admin' });
        assert.equal(created.serverAddress, '127.0.0.1:5000');
        assert.equal(created.createdBy, 'admin');
        assert.ok(created.createdAt > 0 && created.updatedAt === created.createdAt);
        const second = await store.create(hub);
        assert.equal(second.serverAddress, 'docker.io');
        assert.equal(second.createdBy, undefined);

        const listed = await store.list();
        assert.deepEqual(
          listed.map((view) => view.name),
          ['Docker Hub', 'local'],
        );
        assert.deepEqual(Object.keys(created).sort(), [
          'createdAt',
          'createdBy',
          'id',
          'name',
          'serverAddress',
          'updatedAt',
          'username',
        ]);
        const views = JSON.stringify([listed, await store.get(created.id), created, second]);
        assert.ok(!views.includes(PASSWORD) && !views.includes('hub-pw'), views);
        assert.ok(!views.toLowerCase().includes('password'), views);

        // The table holds the password sealed, not as text.
        const table = await raw();
        assert.ok(!table.includes(PASSWORD) && !table.includes('hub-pw'), table);
        assert.match(table, /"password_sealed":"v1\./);

        const renamed = await store.update(created.id, { name: 'harness', username: 'ci2' });
        assert.equal(renamed.name, 'harness');
        assert.equal(renamed.username, 'ci2');
        assert.ok(renamed.updatedAt > created.updatedAt);
        const kept = await store.credentials(created.id);
        assert.equal(kept.auth.password, PASSWORD, 'no password in the patch keeps the stored one');
        assert.equal(kept.auth.username, 'ci2');
        assert.equal(kept.auth.serveraddress, '127.0.0.1:5000');

        await store.update(created.id, { password: 'new-secret', serverAddress: 'http://127.0.0.1:5001/' });
        const changed = await store.credentials(created.id);
        assert.equal(changed.auth.password, 'new-secret');
        assert.equal(changed.registry.serverAddress, '127.0.0.1:5001');
        assert.ok(!(await raw()).includes('new-secret'));

        const removed = await store.remove(created.id);
        assert.equal(removed.name, 'harness');
        assert.equal(await store.get(created.id), undefined);
        assert.deepEqual(
          (await store.list()).map((view) => view.name),
          ['Docker Hub'],
        );
        await refused(store.remove(created.id), 404, created.id);
        await refused(store.update(created.id, { name: 'x' }), 404, created.id);
        await refused(store.credentials(created.id), 404, created.id);
      }),
    );

    test(
      'a taken name or address is 409 naming the field; a bad address is 400 naming it',
      withStore(async (store) => {
        const first = await store.create(local);
        const other = await store.create({ ...local, name: 'other', serverAddress: 'registry.example' });
        await refused(store.create({ ...local, serverAddress: 'elsewhere.example' }), 409, 'name');
        await refused(
          store.create({ ...local, name: 'again', serverAddress: 'https://127.0.0.1:5000/' }),
          409,
          'serverAddress',
        );
        await refused(store.update(other.id, { name: first.name }), 409, 'name');
        await refused(store.update(other.id, { serverAddress: '127.0.0.1:5000' }), 409, 'serverAddress');
        await refused(
          store.create({ ...local, name: 'bad', serverAddress: 'not a host' }),
          400,
          'serverAddress',
        );
        // Its own name and address are no conflict.
        assert.equal(
          (await store.update(first.id, { name: first.name, serverAddress: '127.0.0.1:5000' })).name,
          'local',
        );
        assert.equal((await store.list()).length, 2);
      }),
    );

    test(
      'credentialsFor picks the entry of the image reference’s registry host',
      withStore(async (store) => {
        await store.create(local);
        await store.create(hub);
        await store.create({ ...local, name: 'example', serverAddress: 'registry.example:443' });

        const forLocal = await store.credentialsFor('127.0.0.1:5000/x/y:tag');
        assert.equal(forLocal?.registry.name, 'local');
        assert.deepEqual(forLocal?.auth, {
          username: 'ci',
          password: PASSWORD,
          serveraddress: '127.0.0.1:5000',
        });
        for (const image of [
          'busybox',
          'docker.io/library/busybox',
          'index.docker.io/team/app:1',
          'team/app',
        ]) {
          const found = await store.credentialsFor(image);
          assert.equal(found?.registry.name, 'Docker Hub', image);
          assert.equal(found?.auth.serveraddress, 'https://index.docker.io/v1/', image);
          assert.equal(found?.auth.password, 'hub-pw');
        }
        assert.equal((await store.credentialsFor('registry.example:443/a/b'))?.registry.name, 'example');
        assert.equal(await store.credentialsFor('127.0.0.1:5001/x/y:tag'), undefined, 'another port');
        assert.equal(
          await store.credentialsFor('registry.example/a/b'),
          undefined,
          'no port is another address',
        );
        assert.equal(await store.credentialsFor('Not/A/Reference'), undefined, 'an invalid reference');

        const forBuild = await store.credentialsForHosts([
          'registry-1.docker.io',
          '127.0.0.1:5000',
          'unknown.example',
        ]);
        assert.deepEqual(
          forBuild.map((entry) => entry.registry.name),
          ['Docker Hub', 'local'],
        );
        assert.equal((await store.allCredentials()).length, 3);
      }),
    );
  });
}
