// The `models` table: the models CellDesk knows on this computer, one row per name; Node side.
import type { Database } from 'better-sqlite3';

export type ModelSource = 'catalogue' | 'cellpose-folder' | 'imported';
export type ModelFormat = 'checkpoint' | 'onnx';

export interface ModelRecord {
  name: string;
  source: ModelSource;
  format: ModelFormat;
  /** Absolute path of the weights file. */
  path: string;
  bytes: number;
  /** The file's modification time when its sha256 was taken. */
  modifiedMs: number;
  sha256: string;
  /** Diameter the model was trained to see, in pixels; null when the file does not say (an ONNX without it). */
  diamMean: number | null;
  sizeModelPath: string | null;
  sizeModelSha256: string | null;
  /** The ONNX conversion of a checkpoint, once made; reset whenever the checkpoint's sha256 changes. */
  onnxPath: string | null;
  /** ISO 8601, UTC. */
  addedAt: string;
}

export type NewModelRecord = Omit<ModelRecord, 'onnxPath' | 'addedAt'>;

interface ModelRow {
  name: string;
  source: ModelSource;
  format: ModelFormat;
  path: string;
  bytes: number;
  modified_ms: number;
  sha256: string;
  diam_mean: number | null;
  size_model_path: string | null;
  size_model_sha256: string | null;
  onnx_path: string | null;
  added_at: string;
}

function fromRow(row: ModelRow): ModelRecord {
  return {
    name: row.name,
    source: row.source,
    format: row.format,
    path: row.path,
    bytes: row.bytes,
    modifiedMs: row.modified_ms,
    sha256: row.sha256,
    diamMean: row.diam_mean,
    sizeModelPath: row.size_model_path,
    sizeModelSha256: row.size_model_sha256,
    onnxPath: row.onnx_path,
    addedAt: row.added_at,
  };
}

export class ModelRepository {
  constructor(private readonly db: Database) {}

  list(): ModelRecord[] {
    return this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY name').all().map(fromRow);
  }

  get(name: string): ModelRecord | undefined {
    const row = this.db.prepare<[string], ModelRow>('SELECT * FROM models WHERE name = ?').get(name);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Inserts or replaces the row named `record.name`, keeping its ONNX conversion only if the weights are the same. */
  save(record: NewModelRecord): ModelRecord {
    this.db
      .prepare(
        `INSERT INTO models (name, source, format, path, bytes, modified_ms, sha256, diam_mean, size_model_path,
                             size_model_sha256)
         VALUES (@name, @source, @format, @path, @bytes, @modifiedMs, @sha256, @diamMean, @sizeModelPath,
                 @sizeModelSha256)
         ON CONFLICT (name) DO UPDATE SET
           source = excluded.source, format = excluded.format, path = excluded.path, bytes = excluded.bytes,
           modified_ms = excluded.modified_ms, sha256 = excluded.sha256, diam_mean = excluded.diam_mean,
           size_model_path = excluded.size_model_path, size_model_sha256 = excluded.size_model_sha256,
           onnx_path = CASE WHEN models.sha256 = excluded.sha256 THEN models.onnx_path ELSE NULL END`,
      )
      .run(record);
    const saved = this.get(record.name);
    if (saved === undefined) throw new Error(`model row ${record.name} vanished right after it was written`);
    return saved;
  }

  /** Records (or, with null, forgets) the ONNX conversion of a model's weights. */
  setOnnxPath(name: string, onnxPath: string | null): void {
    this.db.prepare('UPDATE models SET onnx_path = ? WHERE name = ?').run(onnxPath, name);
  }

  /** Deletes the row; true when there was one. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE name = ?').run(name).changes > 0;
  }
}
