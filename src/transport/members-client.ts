import * as grpc from '@grpc/grpc-js';
import * as pb from '../gen/raftkvpeer.js';
import type { ClusterMembership } from './handler.js';
import { peerAddress } from './peer-url.js';

/** Asks one member at `url` for the cluster's ID and members. */
function askOne(url: string, timeoutMs: number): Promise<ClusterMembership> {
  const client = new grpc.Client(peerAddress(url), grpc.credentials.createInsecure());
  return new Promise<ClusterMembership>((resolve, reject) => {
    const m = pb.PeerService.Members;
    client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, {}, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err !== null || res === undefined) {
        reject(err ?? new Error('empty response'));
        return;
      }
      resolve({
        clusterId: res.cluster_id,
        members: res.members.map((x) => ({ id: x.ID, name: x.name, peerUrls: x.peerURLs, clientUrls: x.clientURLs, isLearner: x.isLearner })),
      });
    });
  });
}

/** The membership as the first reachable member among `urls` reports it. */
export async function fetchMembership(urls: readonly string[], timeoutMs = 2000): Promise<ClusterMembership> {
  const errors: string[] = [];
  for (const url of urls) {
    try {
      return await askOne(url, timeoutMs);
    } catch (e) {
      errors.push(`${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`could not get the cluster's membership from any peer (${errors.join('; ')})`);
}
