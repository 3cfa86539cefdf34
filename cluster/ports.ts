// The fixed loopback ports of `npm run cluster`: n1/n2/n3 use etcd's Procfile
// ports (2379, 22379, 32379; peer = client + 1), the ones docker-compose.yml
// publishes. Nodes 4..7 continue the pattern and wrap to 12379 for n7, since
// 72379 is not a port.
export const MAX_NODES = 7;

const CLIENT_PORTS = [2379, 22379, 32379, 42379, 52379, 62379, 12379] as const;

export interface NodePorts {
  client: number;
  peer: number;
}

/** Ports of the node at `index` (0-based: n1 is 0). */
export function fixedPorts(index: number): NodePorts {
  const client = CLIENT_PORTS[index];
  if (client === undefined) throw new Error(`no fixed ports for node #${index + 1} (at most ${MAX_NODES} nodes)`);
  return { client, peer: client + 1 };
}
