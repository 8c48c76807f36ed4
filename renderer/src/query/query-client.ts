/**
 * Typed queries over the bridge: `querySource(id, 'heatmap', args)` answers exactly the result the
 * QueryMap (shared/query/query-types.ts) gives that name. The bridge carries `{type: name, ...args}`
 * as JSON; the one cast from its untyped answer back to the name's result is here.
 */
import type { SourceId } from '../../../shared/bridge.ts';
import type { QueryArgs, QueryName, QueryResultOf, SourceQuery } from '../../../shared/query/query-types.ts';
import { bridge } from '../bridge-client.ts';

export function querySource<K extends QueryName>(id: SourceId, name: K, args: QueryArgs<K>): Promise<QueryResultOf<K>> {
  const query = { type: name, ...args } as SourceQuery;
  return bridge.request('query', { id, query }) as Promise<QueryResultOf<K>>;
}
