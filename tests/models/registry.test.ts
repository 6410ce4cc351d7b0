// The SQLite registry: versioned migrations (from empty, idempotent re-open, refusing a newer schema, all-or-nothing
// steps) and the models table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/engine/storage/database';
import { DatabaseTooNewError, MIGRATIONS, migrate, schemaVersion, type Migration } from '../../src/engine/storage/migrations';
import { ModelRepository, type NewModelRecord } from '../../src/engine/storage/modelRepository';
import { tempDir } from './fixtures';

const record: NewModelRecord = {
  name: 'demo',
  source: 'imported',
  format: 'checkpoint',
  path: '/data/models/imported/demo/demo.pth',
  bytes: 26_555_933,
  modifiedMs: 1_795_477_251_958,
  sha256: 'a'.repeat(64),
  diamMean: 30,
  sizeModelPath: null,
  sizeModelSha256: null,
};

test('a new database is created in WAL mode at the latest schema', (t) => {
  const file = join(tempDir(t, 'db'), 'sub', 'celldesk.db');
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('models')").all().map((c) => c.name);
  assert.deepEqual(columns, [
    'name', 'source', 'format', 'path', 'bytes', 'modified_ms', 'sha256', 'diam_mean', 'size_model_path',
    'size_model_sha256', 'onnx_path', 'added_at',
  ]);
});

test('re-opening applies nothing and keeps the data', (t) => {
  const file = join(tempDir(t, 'db'), 'celldesk.db');
  const first = openDatabase(file);
  new ModelRepository(first).save(record);
  first.close();

  const raw = new BetterSqlite3(file);
  assert.deepEqual(migrate(raw), []);
  raw.close();
  const second = openDatabase(file);
  t.after(() => second.close());
  assert.equal(new ModelRepository(second).get('demo')?.sha256, record.sha256);
  assert.equal(schemaVersion(second), MIGRATIONS.length);
});

test('migrations run from empty in order, and later ones apply to a database left at an earlier version', (t) => {
  const file = join(tempDir(t, 'db'), 'celldesk.db');
  const second: Migration = {
    version: MIGRATIONS.length + 1,
    description: 'test table',
    up: (db) => db.exec('CREATE TABLE later (id INTEGER PRIMARY KEY)'),
  };
  const db = new BetterSqlite3(file);
  t.after(() => db.close());
  assert.deepEqual(migrate(db), MIGRATIONS.map((m) => m.version));
  assert.deepEqual(migrate(db, [...MIGRATIONS, second]), [second.version]);
  assert.equal(schemaVersion(db), second.version);
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'later'").pluck().get(), 1);
});

test('a migration that fails leaves the database at the previous whole version', (t) => {
  const db = new BetterSqlite3(join(tempDir(t, 'db'), 'celldesk.db'));
  t.after(() => db.close());
  migrate(db);
  const broken: Migration = {
    version: MIGRATIONS.length + 1,
    description: 'fails half-way',
    up: (d) => {
      d.exec('CREATE TABLE half (id INTEGER)');
      d.exec('THIS IS NOT SQL');
    },
  };
  assert.throws(() => migrate(db, [...MIGRATIONS, broken]), /syntax error/);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get(), 0);
});

test('a database from a newer CellDesk is refused with what to do', (t) => {
  const file = join(tempDir(t, 'db'), 'celldesk.db');
  const raw = new BetterSqlite3(file);
  raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  raw.close();
  assert.throws(() => openDatabase(file), (error: unknown) => {
    assert.ok(error instanceof DatabaseTooNewError);
    assert.match(error.message, /newer version of CellDesk/);
    assert.match(error.message, /CELLDESK_HOME/);
    return true;
  });
});

test('a file that is not a database is reported as such', (t) => {
  const file = join(tempDir(t, 'db'), 'celldesk.db');
  writeFileSync(file, 'this is not SQLite, only text long enough to fill the hundred bytes of a header...........');
  assert.throws(() => openDatabase(file), /could not open its database .*not a database/);
});

test('the models table keeps an ONNX conversion only while the weights stay the same', (t) => {
  const db = openDatabase(join(tempDir(t, 'db'), 'celldesk.db'));
  t.after(() => db.close());
  const models = new ModelRepository(db);
  const saved = models.save(record);
  assert.equal(saved.onnxPath, null);
  assert.match(saved.addedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  models.setOnnxPath('demo', '/data/models/onnx/aaaa.onnx');
  assert.equal(models.save({ ...record, modifiedMs: record.modifiedMs + 1 }).onnxPath, '/data/models/onnx/aaaa.onnx');
  assert.equal(models.save({ ...record, sha256: 'b'.repeat(64) }).onnxPath, null);

  models.save({ ...record, name: 'other', source: 'catalogue', diamMean: null });
  assert.deepEqual(models.list().map((m) => m.name), ['demo', 'other']);
  assert.equal(models.get('other')?.diamMean, null);
  assert.equal(models.remove('demo'), true);
  assert.equal(models.remove('demo'), false);
  assert.deepEqual(models.list().map((m) => m.name), ['other']);
});

test('the table refuses a source it does not know', (t) => {
  const db = openDatabase(join(tempDir(t, 'db'), 'celldesk.db'));
  t.after(() => db.close());
  assert.throws(() => new ModelRepository(db).save({ ...record, source: 'elsewhere' as 'imported' }), /CHECK constraint/);
});
