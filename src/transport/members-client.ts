import * as grpc from '@grpc/grpc-js';
import * as pb from '../gen/raftkvpeer.js';
import type { ClusterMembership } from './handler.js';
import { PeerCredentials } from './peer-credentials.js';
import { peerAddress } from './peer-url.js';

/** Asks one member at `url` for the cluster's ID and members. */
function askOne(url: string, credentials: PeerCredentials, timeoutMs: number): Promise<ClusterMembership> {
  const client = new grpc.Client(peerAddress(url), credentials.forUrl(url));
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
        appliedIndex: res.applied_index,
      });
    });
  });
}

/**
 * The membership as the most advanced reachable member among `urls` reports it. All are asked
 * at once: the first to answer may have restarted behind and still list a removed member at
 * the joiner's peer URL, whose ID the joiner would then take and be refused with.
 */
export async function fetchMembership(
  urls: readonly string[],
  timeoutMs = 2000,
  credentials: PeerCredentials = new PeerCredentials(),
): Promise<ClusterMembership> {
  const answers = await Promise.allSettled(urls.map((url) => askOne(url, credentials, timeoutMs)));
  let best: ClusterMembership | undefined;
  const errors: string[] = [];
  answers.forEach((a, i) => {
    if (a.status === 'rejected') errors.push(`${urls[i]}: ${a.reason instanceof Error ? a.reason.message : String(a.reason)}`);
    else if (best === undefined || a.value.appliedIndex > best.appliedIndex) best = a.value;
  });
  if (best === undefined) throw new Error(`could not get the cluster's membership from any peer (${errors.join('; ')})`);
  return best;
}
