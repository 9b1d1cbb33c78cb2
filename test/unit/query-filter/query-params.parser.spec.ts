import { parseQueryParams, type QueryParams } from '../../../src/core/crest/query-params.parser';
import type { QueryRequest } from '../../../src/core/crest/query-request';
import { DomainError } from '../../../src/core/errors/domain-error';

const base: QueryRequest = {
  filter: { type: 'true' },
  idsOnly: false,
  fields: [],
  pageSize: 0,
  pagedResultsOffset: 0,
  sortKeys: [],
  totalPagedResultsPolicy: 'NONE',
};

describe('parseQueryParams', () => {
  const valid: [string, QueryParams, QueryRequest][] = [
    ['a filter', { _queryFilter: 'true' }, base],
    [
      'a parsed filter',
      { _queryFilter: 'userName eq "bjensen"' },
      { ...base, filter: { type: 'comparison', operator: 'eq', field: ['userName'], value: 'bjensen' } },
    ],
    ['query-all-ids', { _queryId: 'query-all-ids' }, { ...base, idsOnly: true }],
    ['a one-element array value', { _queryFilter: ['true'] }, base],
    [
      'fields',
      { _queryFilter: 'true', _fields: 'userName,/address/city, mail ,' },
      {
        ...base,
        fields: [['userName'], ['address', 'city'], ['mail']],
      },
    ],
    ['empty fields', { _queryFilter: 'true', _fields: '' }, base],
    ['page size', { _queryFilter: 'true', _pageSize: '25' }, { ...base, pageSize: 25 }],
    ['page size 0', { _queryFilter: 'true', _pageSize: '0' }, base],
    ['cookie', { _queryFilter: 'true', _pagedResultsCookie: 'abc' }, { ...base, pagedResultsCookie: 'abc' }],
    ['empty cookie', { _queryFilter: 'true', _pagedResultsCookie: '' }, base],
    ['offset', { _queryFilter: 'true', _pagedResultsOffset: '40' }, { ...base, pagedResultsOffset: 40 }],
    [
      'sort keys',
      { _queryFilter: 'true', _sortKeys: 'sn,-givenName,+mail,/address/city' },
      {
        ...base,
        sortKeys: [
          { field: ['sn'], ascending: true },
          { field: ['givenName'], ascending: false },
          { field: ['mail'], ascending: true },
          { field: ['address', 'city'], ascending: true },
        ],
      },
    ],
    // `+mail` in a URL query string decodes to ` mail`.
    [
      'a URL-decoded plus',
      { _queryFilter: 'true', _sortKeys: ' mail' },
      { ...base, sortKeys: [{ field: ['mail'], ascending: true }] },
    ],
    ...(['NONE', 'EXACT', 'ESTIMATE', 'exact'] as const).map(
      (policy): [string, QueryParams, QueryRequest] => [
        `policy ${policy}`,
        { _queryFilter: 'true', _totalPagedResultsPolicy: policy },
        { ...base, totalPagedResultsPolicy: policy.toUpperCase() as QueryRequest['totalPagedResultsPolicy'] },
      ],
    ),
    ['pretty print and extra parameters', { _queryFilter: 'true', _prettyPrint: 'true', uid: 'jdoe' }, base],
  ];

  it.each(valid)('reads %s', (_name, params, expected) => {
    expect(parseQueryParams(params)).toEqual(expected);
  });

  const invalid: [string, QueryParams, DomainError['code'], RegExp][] = [
    ['no query', {}, 'BAD_REQUEST', /One of _queryFilter, _queryId or _queryExpression is required/],
    ['an undefined query', { _queryFilter: undefined }, 'BAD_REQUEST', /is required/],
    ['two queries', { _queryFilter: 'true', _queryId: 'query-all-ids' }, 'BAD_REQUEST', /Exactly one of/],
    [
      'a query expression',
      { _queryExpression: 'select * from users' },
      'FORBIDDEN',
      /_queryExpression is not allowed over HTTP/,
    ],
    ['an unknown query id', { _queryId: 'for-userName' }, 'BAD_REQUEST', /Unknown query id 'for-userName'/],
    [
      'a bad filter',
      { _queryFilter: 'userName eq bjensen' },
      'BAD_REQUEST',
      /Invalid query filter .* at position 12/,
    ],
    [
      'a repeated parameter',
      { _queryFilter: 'true', _pageSize: ['1', '2'] },
      'BAD_REQUEST',
      /_pageSize may be given only once/,
    ],
    [
      'a negative page size',
      { _queryFilter: 'true', _pageSize: '-1' },
      'BAD_REQUEST',
      /_pageSize must be a non-negative integer/,
    ],
    ['a fractional page size', { _queryFilter: 'true', _pageSize: '1.5' }, 'BAD_REQUEST', /_pageSize/],
    ['a word page size', { _queryFilter: 'true', _pageSize: 'ten' }, 'BAD_REQUEST', /_pageSize/],
    [
      'a huge page size',
      { _queryFilter: 'true', _pageSize: '99999999999999999999' },
      'BAD_REQUEST',
      /_pageSize/,
    ],
    [
      'a bad offset',
      { _queryFilter: 'true', _pagedResultsOffset: '-5' },
      'BAD_REQUEST',
      /_pagedResultsOffset/,
    ],
    [
      'an unknown policy',
      { _queryFilter: 'true', _totalPagedResultsPolicy: 'ALL' },
      'BAD_REQUEST',
      /NONE, EXACT or ESTIMATE/,
    ],
    [
      'sort keys with a query id',
      { _queryId: 'query-all-ids', _sortKeys: 'sn' },
      'BAD_REQUEST',
      /_sortKeys cannot be used with _queryId/,
    ],
    ['an empty sort key', { _queryFilter: 'true', _sortKeys: 'sn,,mail' }, 'BAD_REQUEST', /empty sort key/],
    ['a bare minus', { _queryFilter: 'true', _sortKeys: '-' }, 'BAD_REQUEST', /empty sort key/],
    ['a bad sort pointer', { _queryFilter: 'true', _sortKeys: 'a~2' }, 'BAD_REQUEST', /_sortKeys/],
    ['a bad field pointer', { _queryFilter: 'true', _fields: 'a~' }, 'BAD_REQUEST', /_fields/],
  ];

  it.each(invalid)('refuses %s', (_name, params, code, message) => {
    let error: unknown;
    try {
      parseQueryParams(params);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).message).toMatch(message);
  });
});
