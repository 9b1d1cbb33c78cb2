import { Injectable } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import { conflict, notFound } from '../core/errors/domain-error';
import type { LinkKey, LinkRecord, LinkStamp, StampedLinkKey, StampedLinkRecord } from '../core/sync/link';
import type { LinkSide } from '../core/sync/link-snapshot';
import { IdGenerator } from '../managed/id-generator';
import type { StoreQueryPage } from '../managed/managed-object.store';
import { LINK_ROW_COLUMNS, LinkStore, type LinkSidesRead } from '../sync/ports/link.store';
import type { TextRow } from './text-row';
import { eachCopyRow } from './copy-text-rows';
import type { DocumentSource } from './document-select.sql';
import { queryDocumentPage } from './document-query';
import { inIndexOrder } from './index-order';
import { pgError, PG_UNIQUE_VIOLATION, rethrowNul, violatedConstraint } from './pg-error';
import { SqlDatabase, type SqlExecutor } from './sql-database';

interface LinkRow {
  id: string;
  rev: string | number;
  link_type: string;
  link_qualifier: string;
  first_id: string;
  second_id: string;
  stamp?: string | null;
}

/** Rows per INSERT: one statement per chunk keeps the JSON parameter small while round trips stay few. */
const INSERT_CHUNK = 1_000;
const DEFAULT_PAGE = 1_000;
const COLUMNS = 'id, rev, link_type, link_qualifier, first_id, second_id';

/** Which side of a link each unique constraint of the `links` table (migration 0002) guards. */
const CONSTRAINT_SIDES: Readonly<Record<string, string>> = {
  links_first_key: 'firstId',
  links_second_key: 'secondId',
  links_pkey: '_id',
};

/**
 * Links as `repo/link` documents for `GET /openidm/repo/link?_queryFilter=…`: the four properties are real
 * columns, so filters on them compare the columns (and use the unique indexes).
 */
const LINK_DOCUMENTS = `SELECT id, rev, link_type, link_qualifier, first_id, second_id,
  jsonb_build_object('linkType', link_type, 'linkQualifier', link_qualifier,
                     'firstId', first_id, 'secondId', second_id) AS doc
  FROM links`;
const LINK_TEXT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['linkType', 'link_type'],
  ['linkQualifier', 'link_qualifier'],
  ['firstId', 'first_id'],
  ['secondId', 'second_id'],
]);

/**
 * OpenIDM's links (openidm-sync-facts.md §3) in the `links` table. `_id` is a random UUID made here and
 * `_rev` starts at "0" and grows by one per update, as OpenIDM's repository does.
 */
@Injectable()
export class LinkRepository extends LinkStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly ids: IdGenerator,
  ) {
    super();
  }

  /**
   * Pages by keyset in the order of the (link_type, link_qualifier, first_id) unique index, each page starting
   * where the last ended. Recon's prefetch reads eachOfType instead where it can (PostgreSQL, through COPY); this
   * serves the embedded repository, whose transactions hold its only connection.
   */
  allOfType(linkType: string, pageSize = DEFAULT_PAGE): AsyncIterable<StampedLinkRecord[]> {
    return this.keysetPagesOfType(linkType, pageSize);
  }

  override eachOfType(linkType: string, onRow: (row: TextRow) => void): Promise<boolean> {
    const select = `SELECT ${LINK_ROW_COLUMNS.join(', ')} FROM links WHERE link_type = $1`;
    return eachCopyRow(this.db, select, [linkType], LINK_ROW_COLUMNS.length, onRow);
  }

  private async *keysetPagesOfType(linkType: string, pageSize: number): AsyncIterable<StampedLinkRecord[]> {
    const size = Math.max(1, Math.floor(pageSize));
    let after: LinkRow | undefined;
    for (;;) {
      const rows = await this.run(() =>
        inIndexOrder(this.db, (tx) => this.pageOfType(tx, linkType, size, after)),
      );
      if (rows.length > 0) yield rows.map(toStampedRecord);
      if (rows.length < size) return;
      after = rows[rows.length - 1];
    }
  }

  async findByFirstId(
    linkType: string,
    qualifier: string,
    firstId: string,
    tx: SqlExecutor = this.db,
  ): Promise<LinkRecord | null> {
    return this.findOne('first_id', [linkType, qualifier, firstId], tx);
  }

  async findBySecondId(
    linkType: string,
    qualifier: string,
    secondId: string,
    tx: SqlExecutor = this.db,
  ): Promise<LinkRecord | null> {
    return this.findOne('second_id', [linkType, qualifier, secondId], tx);
  }

  sidesRead(sides: readonly LinkSide[]): LinkSidesRead {
    const params: unknown[] = [];
    const selects = sides.map((side) => {
      const column = side.column === 'firstId' ? 'first_id' : 'second_id';
      params.push(side.linkType, [...side.qualifiers], side.id);
      const n = params.length;
      // The qualifiers as a list: (link_type, link_qualifier, <column>) stays an index lookup.
      return `SELECT ${COLUMNS} FROM links WHERE link_type = $${n - 2} AND link_qualifier = ANY($${n - 1}::text[])
              AND ${column} = $${n}`;
    });
    return {
      read: {
        sql: selects.length > 0 ? selects.join(' UNION ALL ') : `SELECT ${COLUMNS} FROM links WHERE false`,
        params,
      },
      records: (rows) => rows.map((row) => toRecord(row as LinkRow)),
    };
  }

  async findByEitherId(id: string): Promise<LinkRecord[]> {
    const rows = await this.run(() =>
      this.db.query<LinkRow>(
        `SELECT ${COLUMNS} FROM links WHERE first_id = $1 OR second_id = $1 ORDER BY link_type, link_qualifier, id`,
        [id],
      ),
    );
    return rows.map(toRecord);
  }

  async createMany(links: readonly StampedLinkKey[], tx?: SqlExecutor): Promise<LinkRecord[]> {
    const stamps = links.map((link) => link.stamp ?? null);
    const records = links.map(({ linkType, linkQualifier, firstId, secondId }): LinkRecord => ({
      _id: this.ids.next(),
      _rev: '0',
      linkType,
      linkQualifier,
      firstId,
      secondId,
    }));
    if (records.length === 0) return [];
    // Several chunks commit together: a conflict in the last one must not leave the first ones behind.
    const insert = async (executor: SqlExecutor): Promise<void> => {
      for (let start = 0; start < records.length; start += INSERT_CHUNK) {
        const end = start + INSERT_CHUNK;
        await this.insertChunk(executor, records.slice(start, end), stamps.slice(start, end));
      }
    };
    if (tx !== undefined || records.length <= INSERT_CHUNK) await insert(tx ?? this.db);
    else await this.db.transaction(insert);
    return records;
  }

  async update(id: string, key: LinkKey, tx: SqlExecutor = this.db): Promise<LinkRecord> {
    const rows = await this.run(() =>
      tx.query<LinkRow>(
        // A re-pointed link no longer joins what its stamp was about.
        `UPDATE links SET rev = rev + 1, link_type = $2, link_qualifier = $3, first_id = $4, second_id = $5,
           stamp = NULL
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, key.linkType, key.linkQualifier, key.firstId, key.secondId],
      ),
    );
    const row = rows[0];
    if (!row) throw notFound(`Link ${id} not found`, { id });
    return toRecord(row);
  }

  async setStamps(stamps: readonly LinkStamp[]): Promise<void> {
    if (stamps.length === 0) return;
    await this.db.query(
      `UPDATE links SET stamp = s.stamp FROM unnest($1::text[], $2::text[]) AS s(id, stamp) WHERE links.id = s.id`,
      [stamps.map((s) => s.linkId), stamps.map((s) => s.stamp)],
    );
  }

  async deleteMany(ids: readonly string[], tx: SqlExecutor = this.db): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.run(() =>
      tx.query<{ id: string }>(
        'DELETE FROM links WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING id',
        [JSON.stringify(ids)],
      ),
    );
    return rows.length;
  }

  async deleteOfType(linkType: string): Promise<number> {
    const rows = await this.run(() =>
      this.db.query<{ deleted: string }>(
        'WITH gone AS (DELETE FROM links WHERE link_type = $1 RETURNING 1) SELECT count(*) AS deleted FROM gone',
        [linkType],
      ),
    );
    return Number(rows[0]?.deleted ?? 0);
  }

  async countOfType(linkType: string): Promise<number> {
    const rows = await this.run(() =>
      this.db.query<{ total: string }>('SELECT count(*) AS total FROM links WHERE link_type = $1', [
        linkType,
      ]),
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** `GET /openidm/repo/link?_queryFilter=…`: links as documents `{linkType, linkQualifier, firstId, secondId}`. */
  async query(request: QueryRequest): Promise<StoreQueryPage> {
    const source: DocumentSource = { sql: LINK_DOCUMENTS, params: [], textColumns: LINK_TEXT_COLUMNS };
    return queryDocumentPage(this.db, source, request);
  }

  private async findOne(
    column: 'first_id' | 'second_id',
    params: [string, string, string],
    tx: SqlExecutor,
  ): Promise<LinkRecord | null> {
    const rows = await this.run(() =>
      tx.query<LinkRow>(
        `SELECT ${COLUMNS} FROM links WHERE link_type = $1 AND link_qualifier = $2 AND ${column} = $3`,
        params,
      ),
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** One keyset page in the unique index's order (inIndexOrder: whatever the planner's statistics say). */
  private async pageOfType(
    tx: SqlExecutor,
    linkType: string,
    pageSize: number,
    after: LinkRow | undefined,
  ): Promise<LinkRow[]> {
    if (after === undefined) {
      return tx.query<LinkRow>(
        `SELECT ${COLUMNS}, stamp FROM links WHERE link_type = $1 ORDER BY link_qualifier, first_id LIMIT $2`,
        [linkType, pageSize],
      );
    }
    return tx.query<LinkRow>(
      `SELECT ${COLUMNS}, stamp FROM links WHERE link_type = $1 AND (link_qualifier, first_id) > ($2, $3)
       ORDER BY link_qualifier, first_id LIMIT $4`,
      [linkType, after.link_qualifier, after.first_id, pageSize],
    );
  }

  /** One statement for the whole chunk: the rows travel as a single JSON array parameter. */
  private async insertChunk(
    executor: SqlExecutor,
    records: readonly LinkRecord[],
    stamps: readonly (string | null)[],
  ): Promise<void> {
    const rows = records.map((r, i) => [
      r._id,
      r.linkType,
      r.linkQualifier,
      r.firstId,
      r.secondId,
      stamps[i],
    ]);
    await this.run(() =>
      executor.query(
        `INSERT INTO links (${COLUMNS}, stamp)
         SELECT r->>0, 0, r->>1, r->>2, r->>3, r->>4, r->>5 FROM jsonb_array_elements($1::jsonb) AS rows(r)`,
        [JSON.stringify(rows)],
      ),
    );
  }

  /** A unique violation is a CONFLICT naming the side that is already linked; NUL is a bad request. */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const pg = pgError(error);
      if (pg.code !== PG_UNIQUE_VIOLATION) rethrowNul(error);
      const side = CONSTRAINT_SIDES[violatedConstraint(pg)] ?? 'unknown';
      throw conflict(
        side === '_id'
          ? 'A link with this _id already exists'
          : `Another link of the same linkType and linkQualifier already has this ${side}`,
        { side, ...(pg.detail ? { key: pg.detail } : {}) },
      );
    }
  }
}

/** toRecord with the stamp (set on the record, not spread into a copy: a spread costs per member, copy-with.ts). */
function toStampedRecord(row: LinkRow): StampedLinkRecord {
  const record = toRecord(row) as LinkRecord & { stamp: string | null };
  record.stamp = row.stamp ?? null;
  return record;
}

function toRecord(row: LinkRow): LinkRecord {
  return {
    _id: row.id,
    _rev: String(row.rev),
    linkType: row.link_type,
    linkQualifier: row.link_qualifier,
    firstId: row.first_id,
    secondId: row.second_id,
  };
}
