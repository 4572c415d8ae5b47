import mongoose from 'mongoose';
import sinon from 'sinon';
import { mongooseStore } from '../../lib/stores/mongoose/mongoose-store.js';
import { storeModels } from '../../lib/stores/mongoose/models.js';
import type { Store } from '../../lib/stores/store.js';

// What mongooseStore hands the MongoDB driver, recorded without a server. Each model's
// collection is stubbed at the one place where mongoose calls the driver: after casting,
// strict-mode filtering, defaults and option conversion, so a spec sees the filter, update and
// options the server would get. Every argument goes through BSON as the driver would send it
// (undefined becomes null, symbols and functions are dropped).

const { BSON } = mongoose.mongo;

/** A value as the server receives it. */
export const wire = (value: unknown): unknown => BSON.deserialize(BSON.serialize({ value })).value;

/** One driver call: the collection, the driver method, its arguments (filter, update, options…). */
export interface DriverCall { collection: string; method: string; args: unknown[] }

type Reply = (call: DriverCall) => unknown;

const METHODS = ['find', 'findOne', 'findOneAndUpdate', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'insertOne', 'insertMany'] as const;

/** What the driver answers when a spec says nothing: nothing found, nothing changed. */
const DEFAULT_REPLIES: Record<string, Reply> = {
  find: () => [],
  findOne: () => null,
  findOneAndUpdate: () => null,
  updateOne: () => ({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }),
  updateMany: () => ({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0 }),
  replaceOne: () => ({ acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1 }),
  deleteOne: () => ({ acknowledged: true, deletedCount: 0 }),
  deleteMany: () => ({ acknowledged: true, deletedCount: 0 }),
  insertOne: () => ({ acknowledged: true }),
};

export interface RecordedDriver {
  /** Every driver call so far, in order. */
  sent: DriverCall[];
  /** Answers of the driver by method; a Reply that throws is a failed operation. */
  replies: Partial<Record<(typeof METHODS)[number], Reply>>;
  store: (options?: { timeout?: number }) => Store;
}

/**
 * A connection that never opens, with its store models' collections recorded. Commands are
 * not buffered: a driver method no spec expects fails at once instead of waiting for a server.
 * Call in before(); restore with sinon.restore() and close the connection in after().
 */
export function recordDriver(connection: mongoose.Connection): RecordedDriver {
  const recorder: RecordedDriver = { sent: [], replies: {}, store: (options) => mongooseStore(connection, options) };
  for (const model of Object.values(storeModels(connection))) {
    for (const method of METHODS) {
      sinon.stub(model.collection, method).callsFake(async (...args: unknown[]) => {
        const call: DriverCall = { collection: model.collection.collectionName, method, args: args.map(wire) };
        recorder.sent.push(call);
        const answer = (recorder.replies[method] ?? DEFAULT_REPLIES[method]!)(call);
        // find() answers a cursor; mongoose reads it with toArray().
        return method === 'find' ? { toArray: async () => answer } : answer;
      });
    }
  }
  return recorder;
}

/** A connection for recordDriver: never opened, commands not buffered, the given options set. */
export function unopenedConnection(settings: Record<string, unknown> = {}): mongoose.Connection {
  const connection = mongoose.createConnection();
  connection.set('bufferCommands', false);
  for (const [key, value] of Object.entries(settings)) connection.set(key, value);
  return connection;
}

/** The error a MongoDB server answers when a write hits a unique index. */
export function duplicateKey(): Error & { code: number } {
  const error = new Error('E11000 duplicate key error collection') as Error & { code: number };
  error.code = 11000;
  return error;
}
