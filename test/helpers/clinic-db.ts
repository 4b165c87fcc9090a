// A clinic database on a test PostgreSQL cluster: created, migrated by the administrator
// (the superuser here), with windows registered under their own login roles.
import pg from 'pg';
import { addClinicWindow, migrateClinicDb, withClient } from '../../electron/clinic/pg';
import type { PgCluster } from './pg-cluster';

export interface ClinicDb {
  name: string;
  admin: pg.Pool;
  /** Register a window (own role `<db>_w<id>`); returns the URL that window uses. */
  addWindow(windowId: string, opts?: { reader?: boolean }): Promise<string>;
  urlAs(role: string): string;
}

let counter = 0;

export async function createClinicDb(cluster: PgCluster, prefix = 'clinic'): Promise<ClinicDb> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  const root = new pg.Client({ connectionString: cluster.url() });
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  await root.end();
  const admin = new pg.Pool({ connectionString: cluster.url('postgres', name), max: 4 });
  admin.on('error', () => {});
  await withClient(admin, (c) => migrateClinicDb(c));
  const urlAs = (role: string) => `postgresql://${role}:pw-${role}@127.0.0.1:${cluster.port}/${name}`;
  return {
    name,
    admin,
    urlAs,
    async addWindow(windowId, opts = {}) {
      const role = `${name}_w${windowId}`;
      await withClient(admin, (c) => addClinicWindow(c, { windowId, role, password: `pw-${role}`, reader: opts.reader ?? false }));
      return urlAs(role);
    },
  };
}
