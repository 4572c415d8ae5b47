import mongoose from 'mongoose';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { mongooseStore, storeModels } from '../../lib/mongoose.js';
import { storeContract } from '../../lib/testing.js';

// One contract, every store. memoryStore always; mongooseStore when a MongoDB is reachable.

// memoryStore lives in one process: its only second handle is itself.
storeContract('memoryStore', () => memoryStore(), { secondHandle: (store) => store });

const uri = process.env.MONGODB_URI;
const systemBinary = process.env.MONGOMS_SYSTEM_BINARY;
const SKIP = 'MongoDB contract skipped: no MongoDB server can be installed on this machine. Against a server: MONGODB_URI=mongodb://127.0.0.1:27017 npx mocha spec/store-contract/stores.spec.ts (or MONGOMS_SYSTEM_BINARY=<path to mongod>)';

if (uri || systemBinary) {
  describe('mongooseStore against MongoDB', function () {
    this.timeout(60_000);
    let connection: mongoose.Connection;
    // A second instance's own connection to the same database: what one revokes, the other must see.
    let secondConnection: mongoose.Connection;
    let server: { stop(): Promise<unknown> } | undefined;

    before(async () => {
      let target = uri;
      if (!target) {
        const { MongoMemoryServer } = await import('mongodb-memory-server-core');
        const memory = await MongoMemoryServer.create({ binary: { systemBinary: systemBinary! } });
        server = memory;
        target = memory.getUri();
      }
      const options = { dbName: `koajwt_contract_${process.pid}`, serverSelectionTimeoutMS: 5000 };
      connection = await mongoose.createConnection(target, options).asPromise();
      secondConnection = await mongoose.createConnection(target, options).asPromise();
      // Unique and TTL indexes must exist before the duplicate-key specs run.
      await Promise.all(Object.values(storeModels(connection)).map((model) => model.init()));
    });

    after(async () => {
      await connection?.dropDatabase().catch(() => undefined);
      await connection?.close();
      await secondConnection?.close();
      await server?.stop();
    });

    storeContract('mongooseStore', async () => {
      await Promise.all(Object.values(storeModels(connection)).map((model) => model.deleteMany({})));
      return mongooseStore(connection, { timeout: 5000 });
    }, { secondHandle: () => mongooseStore(secondConnection, { timeout: 5000 }) });
  });
} else {
  describe('mongooseStore against MongoDB', () => {
    it.skip(SKIP);
  });
  // Said once in the output too, so that a green run does not read as "MongoDB was tested".
  before(() => console.log(`      ${SKIP}`));
}
